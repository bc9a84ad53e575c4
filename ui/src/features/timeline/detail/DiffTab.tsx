/**
 * The Diff tab: what this migration would change in a chosen database where it is pending,
 * previewed up to and including it (nothing is left behind): the diff tree beside the
 * before/after DDL. Where it is applied, it says the diff covers pending migrations only.
 * Below, "Test rollback" of this migration in a scratch database beside the chosen database.
 */
import { lazy, Suspense, useMemo, useState } from "react";
import { ErrorState } from "../../../components/ErrorState";
import { LoadingState } from "../../../components/LoadingState";
import { DiffTree } from "../../../components/sql/DiffTree";
import { describeError, type TimelineTarget } from "../../../ipc/client";
import { useMigrationEffect } from "../../../ipc/queries";
import { countsText, diffRows } from "../../../lib/schemaTree";
import { RollbackCheck } from "./RollbackCheck";
import "../../../components/sql/sql.css";

const SqlDiff = lazy(() => import("../../../components/sql/SqlDiff").then((m) => ({ default: m.SqlDiff })));

export function DiffTab({ project, version, targets }: { project: string; version: string; targets: TimelineTarget[] }) {
  const [chosen, setChosen] = useState<string | null>(null);
  const target = targets.find((t) => t.id === chosen) ?? targets[0] ?? null;
  const effect = useMigrationEffect(project, target?.id ?? null, version);
  const rows = useMemo(() => (effect.data ? diffRows(effect.data.diff) : []), [effect.data]);
  if (target === null) return <p className="diff-tab__summary">This project has no database to preview the migration on.</p>;

  let body;
  if (effect.isPending) {
    body = <LoadingState label={`Previewing ${version} on ${target.label} (rolled back afterwards)…`} />;
  } else if (effect.isError) {
    const error = describeError(effect.error);
    body = (
      <ErrorState
        title="The migration’s effect could not be previewed"
        summary={error.summary}
        message={error.message}
        code={error.code}
        onRetry={() => void effect.refetch()}
        retrying={effect.isFetching}
      />
    );
  } else if (!effect.data.pending.includes(version)) {
    body = (
      <p className="notice" data-testid="diff-not-pending">
        {version} is already applied on {target.label}. The Diff tab shows what pending migrations would change; to
        see how this database differs from another, use Compare on the Schema screen.
      </p>
    );
  } else {
    const e = effect.data;
    const earlier = e.pending.length - 1;
    body = (
      <div className="diff-tab__body">
        <p className="diff-tab__summary" data-testid="diff-summary">
          {countsText(e.counts)}
          {earlier > 0 &&
            ` (after ${earlier} earlier pending ${earlier === 1 ? "migration" : "migrations"}, applied first in the preview)`}{" "}
          ·{" "}
          {e.method.kind === "transactional" ? "previewed in a rolled-back transaction" : `previewed in a scratch database: ${e.method.reason}`}
        </p>
        <DiffTree rows={rows} label={`What ${version} changes on ${target.label}`} />
        <Suspense fallback={<LoadingState label="Opening the diff…" />}>
          <SqlDiff stored={e.before.ddl} file={e.after.ddl} dialect={e.before.engine} storedLabel="Before" fileLabel={`After ${version}`} />
        </Suspense>
      </div>
    );
  }

  return (
    <div className="diff-tab" data-testid="diff-tab">
      {targets.length > 1 && (
        <label className="diff-tab__target">
          <span>Database</span>
          <select className="select" data-testid="diff-target" value={target.id} onChange={(ev) => setChosen(ev.target.value)}>
            {targets.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {body}
      <RollbackCheck key={target.id} project={project} version={version} target={target} />
    </div>
  );
}
