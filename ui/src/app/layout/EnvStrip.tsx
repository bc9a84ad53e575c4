/** The active database's environment, always as text; the tier colour only reinforces it. */
import type { UseQueryResult } from "@tanstack/react-query";
import type { ProjectSummary } from "../../ipc/bindings";
import { engineWithVersion, tierLabel } from "../../lib/format";

export function EnvStrip({ project }: { project: UseQueryResult<ProjectSummary> }) {
  if (project.isPending) {
    return (
      <div className="env-strip env-strip--none" data-testid="env-strip" data-tier="none">
        <span className="env-strip__tier">Connecting…</span>
      </div>
    );
  }
  if (project.isError) {
    return (
      <div className="env-strip env-strip--none" data-testid="env-strip" data-tier="none">
        <span className="env-strip__tier">No database</span>
      </div>
    );
  }
  const { database } = project.data;
  return (
    <div
      className={`env-strip env-strip--${database.tier}`}
      data-testid="env-strip"
      data-tier={database.tier}
      title={database.path}
    >
      <span className="env-strip__tier">{tierLabel(database.tier)}</span>
      <span className="env-strip__sep" aria-hidden="true" />
      <span className="env-strip__label">{database.label}</span>
      <span className="env-strip__sep" aria-hidden="true" />
      <span className="env-strip__engine">
        {engineWithVersion(database.server.kind, database.server.serverVersion)}
      </span>
    </div>
  );
}
