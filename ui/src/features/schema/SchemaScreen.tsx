/**
 * The Schema screen: pick a project's database and browse its live schema (a searchable
 * object tree beside the selected object's attributes and DDL), or compare it with a second
 * database or with the schema at a migration of the project and generate the migration that
 * makes one like the other; check its drift; or test the project's rollbacks beside it. Server
 * state is the `schemaOf`, `compareTargets`, `compareVersion` and `schemaDrift` queries and the
 * `testRollback` mutation; the target and migration lists are the timeline's.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Button } from "../../components/Button";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Icon } from "../../components/Icon";
import { LoadingState } from "../../components/LoadingState";
import { Screen } from "../../components/Screen";
import { describeError, type TimelineTarget } from "../../ipc/client";
import { queryKeys, useProjects, useTimeline } from "../../ipc/queries";
import { engineName } from "../../lib/format";
import { ComparePanel, VersionComparePanel } from "./ComparePanel";
import { DriftPanel } from "./DriftPanel";
import { RollbackPanel } from "./RollbackPanel";
import { SchemaBrowser } from "./SchemaBrowser";
import "../../components/sql/sql.css";
import "./schema.css";

/** The "Compare with…" choice that compares with the schema at a migration of the project. */
const AT_VERSION = "@version";

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
  const [chosenVersion, setVersion] = useState<string | null>(null);
  const [check, setCheck] = useState<"drift" | "rollback" | null>(null);
  const client = useQueryClient();

  const targets = timeline.data?.targets ?? [];
  const current = targets.find((t) => t.id === target) ?? targets[0] ?? null;
  const compareWith = targets.find((t) => t.id === other && t.id !== current?.id) ?? null;
  const rows = timeline.data?.rows;
  // Versioned migrations on disk: newest first to compare with, in apply order to test.
  const versions = useMemo(() => (rows ?? []).filter((r) => r.onDisk && !r.repeatable), [rows]);
  const newestFirst = useMemo(() => [...versions].reverse(), [versions]);
  const reversible = useMemo(() => versions.filter((r) => r.reversible), [versions]);
  const atVersion =
    other === AT_VERSION ? (versions.find((r) => r.version === chosenVersion) ?? newestFirst[0] ?? null) : null;

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
  } else if (check === "drift") {
    body = <DriftPanel key={current.id} project={project} target={current} />;
  } else if (check === "rollback") {
    body = <RollbackPanel key={current.id} project={project} target={current} choices={reversible} />;
  } else if (compareWith !== null) {
    body = <ComparePanel project={project} a={current} b={compareWith} />;
  } else if (atVersion !== null) {
    body = <VersionComparePanel project={project} a={current} version={atVersion.version} />;
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
                value={compareWith?.id ?? (atVersion !== null ? AT_VERSION : "")}
                none="Nothing (browse)"
                extra={versions.length > 0 ? { value: AT_VERSION, label: "The schema at a migration…" } : undefined}
                onChange={(id) => {
                  setOther(id === "" ? null : id);
                  setCheck(null);
                }}
              />
              {atVersion !== null && (
                <label className="sc-picker">
                  <span className="sc-picker__label">Migration</span>
                  <select
                    className="select"
                    data-testid="schema-compare-version-pick"
                    value={atVersion.version}
                    onChange={(e) => {
                      setVersion(e.target.value);
                      setCheck(null);
                    }}
                  >
                    {newestFirst.map((r) => (
                      <option key={r.version} value={r.version}>
                        {r.version} {r.name}
                      </option>
                    ))}
                  </select>
                </label>
              )}
              <div className="sc-actions__group">
                <Button
                  className="sc-toggle"
                  data-testid="schema-check-drift"
                  aria-pressed={check === "drift"}
                  title="Compare this database with what its applied migrations build"
                  onClick={() => setCheck(check === "drift" ? null : "drift")}
                >
                  <Icon name="modified" size={14} /> Check drift
                </Button>
                <Button
                  className="sc-toggle"
                  data-testid="schema-test-rollback"
                  aria-pressed={check === "rollback"}
                  title="Apply, roll back and apply again each migration in a scratch database beside this one"
                  onClick={() => setCheck(check === "rollback" ? null : "rollback")}
                >
                  <Icon name="down" size={14} /> Test rollback
                </Button>
                <Button
                  data-testid="schema-refresh"
                  title="Read the schema again"
                  onClick={() => project !== null && void client.invalidateQueries({ queryKey: queryKeys.timeline(project) })}
                >
                  <Icon name="retry" size={14} /> Refresh
                </Button>
              </div>
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
  extra,
  onChange,
}: {
  label: string;
  testId: string;
  targets: readonly TimelineTarget[];
  value: string;
  none?: string;
  /** One more choice after the databases. */
  extra?: { value: string; label: string };
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
        {extra !== undefined && <option value={extra.value}>{extra.label}</option>}
      </select>
    </label>
  );
}
