/**
 * Database A against database B: the diff tree (what the generated migration changes in B,
 * each entry with +/−/~ and its text label) beside the two schemas' DDL side by side, with
 * unchanged stretches collapsed, and "Generate migration" to review and write it.
 */
import { lazy, Suspense, useDeferredValue, useMemo, useState } from "react";
import { Button } from "../../components/Button";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Icon } from "../../components/Icon";
import { LoadingState } from "../../components/LoadingState";
import { DiffTree } from "../../components/sql/DiffTree";
import { describeError, type NewMigration, type TimelineTarget } from "../../ipc/client";
import { useComparison } from "../../ipc/queries";
import { countsText, diffRows } from "../../lib/schemaTree";
import { GenerateDialog } from "./GenerateDialog";

const SqlDiff = lazy(() => import("../../components/sql/SqlDiff").then((m) => ({ default: m.SqlDiff })));

export function ComparePanel({ project, a, b }: { project: string; a: TimelineTarget; b: TimelineTarget }) {
  const comparison = useComparison(project, a.id, b.id);
  const [query, setQuery] = useState("");
  const deferred = useDeferredValue(query);
  const [generating, setGenerating] = useState(false);
  const [written, setWritten] = useState<NewMigration | null>(null);
  const rows = useMemo(
    () => (comparison.data ? diffRows(comparison.data.diff, deferred) : []),
    [comparison.data, deferred],
  );

  if (comparison.isPending) return <LoadingState label={`Comparing ${a.label} with ${b.label}…`} />;
  if (comparison.isError) {
    const error = describeError(comparison.error);
    return (
      <ErrorState
        title="The two databases could not be compared"
        summary={error.summary}
        message={error.message}
        code={error.code}
        onRetry={() => void comparison.refetch()}
        retrying={comparison.isFetching}
      />
    );
  }
  const c = comparison.data;
  const same = c.diff.namespaces.length === 0;
  return (
    <div className="sc-compare" data-testid="schema-compare">
      <div className="sc-compare__bar">
        <p className="sc-compare__what" data-testid="compare-summary">
          To make <strong>{b.label}</strong> like <strong>{a.label}</strong>: {countsText(c.counts)}
        </p>
        {written !== null && (
          <p className="notice notice--success" role="status" data-testid="generate-written">
            Migration {written.version} written: {written.upPath}
            {written.downPath ? ` and ${written.downPath}` : ""}. The Timeline shows it.
          </p>
        )}
        <Button variant="primary" data-testid="generate-migration" disabled={same} onClick={() => setGenerating(true)}>
          <Icon name="plus" size={14} /> Generate migration
        </Button>
      </div>
      {same ? (
        <EmptyState title="No differences" icon={<Icon name="ok" size={28} />}>
          <p>
            {a.label} and {b.label} have the same schema. Pick another database to compare with.
          </p>
        </EmptyState>
      ) : (
        <div className="sc-compare__body">
          <div className="sc-compare__tree">
            <input
              className="input sc-search"
              type="search"
              placeholder="Search the differences…"
              aria-label="Search the differences"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
            <DiffTree rows={rows} label={`Differences from ${b.label} to ${a.label}`} />
          </div>
          <div className="sc-compare__ddl">
            <Suspense fallback={<LoadingState label="Opening the diff…" />}>
              <SqlDiff stored={c.bDdl} file={c.aDdl} dialect={a.engine} storedLabel={`${b.label} (B, now)`} fileLabel={`${a.label} (A, wanted)`} />
            </Suspense>
          </div>
        </div>
      )}
      {generating && (
        <GenerateDialog
          project={project}
          up={c.up}
          down={c.down}
          dialect={a.engine}
          suggestedName={`make ${b.label} like ${a.label}`}
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
