/**
 * "Check drift": the database against the schema its applied migrations build (their stored
 * SQL replayed into a scratch database, dropped afterwards), in the compare view's layout: a
 * headline that says whether anything changed outside migrations, the diff tree beside the two
 * schemas' DDL, and "Generate migration", which records the hand-made changes as a migration.
 */
import { lazy, Suspense, useDeferredValue, useMemo, useState } from "react";
import { Button } from "../../components/Button";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Icon } from "../../components/Icon";
import { LoadingState } from "../../components/LoadingState";
import { DiffTree } from "../../components/sql/DiffTree";
import { describeError, type NewMigration, type SchemaDiff, type TimelineTarget } from "../../ipc/client";
import { useDrift } from "../../ipc/queries";
import { countsText, diffRows } from "../../lib/schemaTree";
import { GenerateDialog } from "./GenerateDialog";

const SqlDiff = lazy(() => import("../../components/sql/SqlDiff").then((m) => ({ default: m.SqlDiff })));

/** Objects (tables, views, …) that differ, and namespaces added or removed whole. */
export function changedObjects(diff: SchemaDiff): number {
  return diff.namespaces.reduce((n, ns) => n + ns.objects.length + (ns.change === "changed" ? 0 : 1), 0);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The headline: "No drift: …" or "3 objects changed outside migrations". */
export function driftHeadline(diff: SchemaDiff, replayed: number): string {
  const changed = changedObjects(diff);
  if (changed === 0) {
    return `No drift: the database matches its ${plural(replayed, "applied migration")}`;
  }
  return `${plural(changed, "object")} changed outside migrations`;
}

export function DriftPanel({ project, target }: { project: string; target: TimelineTarget }) {
  const drift = useDrift(project, target.id);
  const [search, setSearch] = useState("");
  const deferred = useDeferredValue(search);
  const [generating, setGenerating] = useState(false);
  const [written, setWritten] = useState<NewMigration | null>(null);
  const rows = useMemo(() => (drift.data ? diffRows(drift.data.diff, deferred) : []), [drift.data, deferred]);

  if (drift.isPending) {
    return (
      <LoadingState
        label={`Checking drift: replaying ${target.label}’s applied migrations into a scratch database, then comparing…`}
      />
    );
  }
  if (drift.isError) {
    const error = describeError(drift.error);
    return (
      <ErrorState
        title={`Drift of ${target.label} could not be checked`}
        summary={error.summary}
        message={error.message}
        code={error.code}
        onRetry={() => void drift.refetch()}
        retrying={drift.isFetching}
      />
    );
  }
  const d = drift.data;
  const clean = d.diff.namespaces.length === 0;
  const history = `What its ${plural(d.replayed.length, "migration")} build`;
  return (
    <div className="sc-compare" data-testid="schema-drift">
      <div className="sc-compare__bar">
        <div>
          <p className="sc-drift__headline" data-testid="drift-headline">
            <Icon name={clean ? "ok" : "modified"} size={16} /> {driftHeadline(d.diff, d.replayed.length)}
          </p>
          <p className="sc-muted">
            {clean
              ? `${d.replayed.length === 0 ? "No migration is applied to it yet. " : ""}Its schema is exactly what the history’s stored SQL builds.`
              : `From what the history builds to ${target.label} now: ${countsText(d.counts)}.`}
          </p>
        </div>
        {written !== null && (
          <p className="notice notice--success" role="status" data-testid="generate-written">
            Migration {written.version} written: {written.upPath}
            {written.downPath ? ` and ${written.downPath}` : ""}. Mark it applied on {target.label} (Baseline on the
            Timeline): the database has these changes already.
          </p>
        )}
        <div className="sc-actions">
          <Button data-testid="drift-again" onClick={() => void drift.refetch()} disabled={drift.isFetching}>
            <Icon name="retry" size={14} /> {drift.isFetching ? "Checking…" : "Check again"}
          </Button>
          {!clean && (
            <Button
              variant="primary"
              data-testid="generate-migration"
              disabled={d.generateRefused !== null || d.up.trim() === ""}
              title={d.generateRefused ?? "Write these changes as a new migration"}
              onClick={() => setGenerating(true)}
            >
              <Icon name="plus" size={14} /> Generate migration
            </Button>
          )}
        </div>
      </div>
      {d.generateRefused !== null && (
        <p className="notice notice--warning" data-testid="drift-generate-refused">
          These changes cannot be written as a migration: {d.generateRefused}
        </p>
      )}
      {clean ? (
        <EmptyState title="No drift" icon={<Icon name="ok" size={28} />}>
          <p>Nothing was added, removed or changed in {target.label} outside its migrations.</p>
        </EmptyState>
      ) : (
        <div className="sc-compare__body">
          <div className="sc-compare__tree">
            <input
              className="input sc-search"
              type="search"
              placeholder="Search the changes…"
              aria-label="Search the changes"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
            <DiffTree rows={rows} label={`Changes made to ${target.label} outside migrations`} />
          </div>
          <div className="sc-compare__ddl">
            <Suspense fallback={<LoadingState label="Opening the diff…" />}>
              <SqlDiff
                stored={d.expectedDdl}
                file={d.actualDdl}
                dialect={target.engine}
                storedLabel={history}
                fileLabel={`${target.label} now`}
              />
            </Suspense>
          </div>
        </div>
      )}
      {generating && (
        <GenerateDialog
          project={project}
          up={d.up}
          down={d.down}
          dialect={target.engine}
          suggestedName={`record changes made to ${target.label}`}
          note={`The up part makes what the migrations build like ${target.label} now. ${target.label} has these changes already: after writing, mark the new migration applied there (Baseline on the Timeline) instead of running it.`}
          onClose={() => setGenerating(false)}
          onWritten={(made) => {
            setGenerating(false);
            setWritten(made);
          }}
        />
      )}
    </div>
  );
}
