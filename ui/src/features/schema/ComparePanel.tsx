/**
 * Database A against database B, or against the schema at a migration of the project (built
 * in a scratch database): the diff tree (what the generated migration changes in B, each entry
 * with +/−/~ and its text label) beside the two schemas' DDL side by side, with unchanged
 * stretches collapsed, and "Generate migration" to review and write it.
 */
import type { UseQueryResult } from "@tanstack/react-query";
import { lazy, Suspense, useDeferredValue, useMemo, useState } from "react";
import { Button } from "../../components/Button";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Icon } from "../../components/Icon";
import { LoadingState } from "../../components/LoadingState";
import { DiffTree } from "../../components/sql/DiffTree";
import { describeError, type NewMigration, type TargetComparison, type TimelineTarget } from "../../ipc/client";
import { useComparison, useVersionComparison } from "../../ipc/queries";
import { countsText, diffRows } from "../../lib/schemaTree";
import { GenerateDialog } from "./GenerateDialog";

const SqlDiff = lazy(() => import("../../components/sql/SqlDiff").then((m) => ({ default: m.SqlDiff })));

export function ComparePanel({ project, a, b }: { project: string; a: TimelineTarget; b: TimelineTarget }) {
  const comparison = useComparison(project, a.id, b.id);
  return (
    <ComparisonResult
      project={project}
      query={comparison}
      a={a}
      bLabel={b.label}
      loading={`Comparing ${a.label} with ${b.label}…`}
      sameHint="Pick another database to compare with."
    />
  );
}

/** A against the schema at migration `version`, replayed from the folder in a scratch database. */
export function VersionComparePanel({ project, a, version }: { project: string; a: TimelineTarget; version: string }) {
  const comparison = useVersionComparison(project, a.id, version);
  return (
    <ComparisonResult
      project={project}
      query={comparison}
      a={a}
      bLabel={comparison.data?.bLabel ?? `schema at ${version}`}
      loading={`Replaying the migrations up to ${version} into a scratch database beside ${a.label}, then comparing…`}
      sameHint={`${a.label} is exactly what the migrations up to ${version} build. Pick another version to compare with.`}
      bNote="B, built from the folder"
      suggestedName={`${a.label} changes since ${version}`}
      testId="schema-compare-version"
    />
  );
}

function ComparisonResult({
  project,
  query,
  a,
  bLabel,
  loading,
  sameHint,
  bNote = "B, now",
  suggestedName,
  testId = "schema-compare",
}: {
  project: string;
  query: UseQueryResult<TargetComparison>;
  a: TimelineTarget;
  bLabel: string;
  loading: string;
  sameHint: string;
  /** What B is, after its name in the DDL diff's heading. */
  bNote?: string;
  suggestedName?: string;
  testId?: string;
}) {
  const [search, setSearch] = useState("");
  const deferred = useDeferredValue(search);
  const [generating, setGenerating] = useState(false);
  const [written, setWritten] = useState<NewMigration | null>(null);
  const rows = useMemo(() => (query.data ? diffRows(query.data.diff, deferred) : []), [query.data, deferred]);

  if (query.isPending) return <LoadingState label={loading} />;
  if (query.isError) {
    const error = describeError(query.error);
    return (
      <ErrorState
        title={`${a.label} could not be compared with ${bLabel}`}
        summary={error.summary}
        message={error.message}
        code={error.code}
        onRetry={() => void query.refetch()}
        retrying={query.isFetching}
      />
    );
  }
  const c = query.data;
  const same = c.diff.namespaces.length === 0;
  return (
    <div className="sc-compare" data-testid={testId}>
      <div className="sc-compare__bar">
        <p className="sc-compare__what" data-testid="compare-summary">
          To make <strong>{bLabel}</strong> like <strong>{a.label}</strong>: {countsText(c.counts)}
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
            {a.label} and {bLabel} have the same schema. {sameHint}
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
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
            <DiffTree rows={rows} label={`Differences from ${bLabel} to ${a.label}`} />
          </div>
          <div className="sc-compare__ddl">
            <Suspense fallback={<LoadingState label="Opening the diff…" />}>
              <SqlDiff
                stored={c.bDdl}
                file={c.aDdl}
                dialect={a.engine}
                storedLabel={`${bLabel} (${bNote})`}
                fileLabel={`${a.label} (A, wanted)`}
              />
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
          suggestedName={suggestedName ?? `make ${bLabel} like ${a.label}`}
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
