/**
 * The Schema screen: pick a project's database and browse its live schema (a searchable
 * object tree beside the selected object's attributes and DDL), or pick a second database to
 * compare with and generate the migration that makes it like the first. Server state is the
 * `schemaOf` and `compareTargets` queries; the target list is the timeline's.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "../../components/Button";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Icon } from "../../components/Icon";
import { LoadingState } from "../../components/LoadingState";
import { Screen } from "../../components/Screen";
import { describeError, type TimelineTarget } from "../../ipc/client";
import { queryKeys, useProjects, useTimeline } from "../../ipc/queries";
import { engineName } from "../../lib/format";
import { ComparePanel } from "./ComparePanel";
import { SchemaBrowser } from "./SchemaBrowser";
import "../../components/sql/sql.css";
import "./schema.css";

export function SchemaScreen() {
  const projects = useProjects();
  const [chosenProject, setProject] = useState<string | null>(null);
  const list = projects.data ?? [];
  const project =
    (chosenProject !== null && list.some((p) => p.root === chosenProject) ? chosenProject : null) ??
    (list.find((p) => p.default) ?? list[0])?.root ??
    null;
  const timeline = useTimeline(project);
  const [target, setTarget] = useState<string | null>(null);
  const [other, setOther] = useState<string | null>(null);
  const client = useQueryClient();

  const targets = timeline.data?.targets ?? [];
  const current = targets.find((t) => t.id === target) ?? targets[0] ?? null;
  const compareWith = targets.find((t) => t.id === other && t.id !== current?.id) ?? null;

  let body;
  if (projects.isPending || (project !== null && timeline.isPending)) {
    body = <LoadingState label="Looking for the project’s databases…" />;
  } else if (projects.isError || timeline.isError) {
    const error = describeError(projects.error ?? timeline.error);
    body = (
      <ErrorState
        title="The project’s databases could not be listed"
        summary={error.summary}
        message={error.message}
        code={error.code}
        onRetry={() => void (projects.isError ? projects.refetch() : timeline.refetch())}
        retrying={projects.isFetching || timeline.isFetching}
      />
    );
  } else if (project === null || current === null) {
    body = (
      <EmptyState title="No database to show" icon={<Icon name="schema" size={28} />}>
        <p>
          Attach a connection to this project folder on the Connections screen, or open the demo project, then come
          back here to browse its schema.
        </p>
      </EmptyState>
    );
  } else if (compareWith !== null) {
    body = <ComparePanel project={project} a={current} b={compareWith} />;
  } else {
    body = <SchemaBrowser project={project} target={current} />;
  }

  return (
    <Screen
      id="schema"
      title="Schema"
      fill
      actions={
        <div className="sc-actions">
          {list.length > 1 && project !== null && (
            <label className="sc-picker">
              <span className="sc-picker__label">Project</span>
              <select
                className="select"
                data-testid="schema-project"
                value={project}
                onChange={(e) => {
                  setProject(e.target.value);
                  setTarget(null);
                  setOther(null);
                }}
              >
                {list.map((p) => (
                  <option key={p.root} value={p.root} title={p.root}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          {current !== null && (
            <>
              <TargetSelect
                label="Database"
                testId="schema-target"
                targets={targets}
                value={current.id}
                onChange={(id) => {
                  setTarget(id);
                  if (id === other) setOther(null);
                }}
              />
              <TargetSelect
                label="Compare with…"
                testId="schema-compare-with"
                targets={targets.filter((t) => t.id !== current.id)}
                value={compareWith?.id ?? ""}
                none="Nothing (browse)"
                onChange={(id) => setOther(id === "" ? null : id)}
              />
              <Button
                data-testid="schema-refresh"
                title="Read the schema again"
                onClick={() => project !== null && void client.invalidateQueries({ queryKey: queryKeys.timeline(project) })}
              >
                <Icon name="retry" size={14} /> Refresh
              </Button>
            </>
          )}
        </div>
      }
    >
      {body}
    </Screen>
  );
}

function TargetSelect({
  label,
  testId,
  targets,
  value,
  none,
  onChange,
}: {
  label: string;
  testId: string;
  targets: readonly TimelineTarget[];
  value: string;
  none?: string;
  onChange: (id: string) => void;
}) {
  return (
    <label className="sc-picker">
      <span className="sc-picker__label">{label}</span>
      <select className="select" data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
        {none !== undefined && <option value="">{none}</option>}
        {targets.map((t) => (
          <option key={t.id} value={t.id} title={t.location}>
            {t.label} · {engineName(t.engine)}
          </option>
        ))}
      </select>
    </label>
  );
}
