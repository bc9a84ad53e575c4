/** The preview: the dry run's counts against the chosen database, then each dataset's first rows. */
import { Badge } from "../../components/Badge";
import type { SeedDatasetResult, SeedPreview } from "../../ipc/client";

export function ResultsTable({ results, testId }: { results: readonly SeedDatasetResult[]; testId: string }) {
  const unchanged = results.filter((r) => r.outcome === "unchanged").length;
  return (
    <>
    <table className="seeds-table seeds-results" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">Dataset</th>
          <th scope="col">Outcome</th>
          <th scope="col" className="num">Inserted</th>
          <th scope="col" className="num">Updated</th>
          <th scope="col" className="num">Deleted</th>
          <th scope="col" className="num">Unchanged</th>
        </tr>
      </thead>
      <tbody>
        {results.map((r) => (
          <tr key={r.dataset} data-testid={`${testId}-${r.dataset}`} data-outcome={r.outcome}>
            <th scope="row">
              <span className="seeds-results__name">{r.dataset}</span>
              <span className="seeds-results__table">{r.table}</span>
            </th>
            <td>
              {r.outcome === "unchanged" ? (
                <Badge icon="skipped" title="Recorded before with the same files and form: nothing was done">
                  unchanged
                </Badge>
              ) : (
                <Badge tone="success" icon="ok">
                  {r.mode === "sync" ? "synced" : "applied"}
                </Badge>
              )}
            </td>
            <td className="num" data-col="inserted">{r.inserted.toLocaleString("en-US")}</td>
            <td className="num" data-col="updated">{r.updated.toLocaleString("en-US")}</td>
            <td className="num" data-col="deleted">{r.deleted.toLocaleString("en-US")}</td>
            <td className="num" data-col="unchanged">{r.unchanged.toLocaleString("en-US")}</td>
          </tr>
        ))}
      </tbody>
    </table>
    {unchanged > 0 && (
      <p className="seeds-muted" data-testid={`${testId}-unchanged-note`}>
        {unchanged === results.length ? "Every dataset is" : `${unchanged} of ${results.length} datasets are`} unchanged
        since the last run: recorded before with the same files, mode, seed value and counts, so nothing was done.
      </p>
    )}
    </>
  );
}

export function PreviewPanel({ preview, targetLabel }: { preview: SeedPreview; targetLabel: string | null }) {
  return (
    <div className="seeds-output" data-testid="seeds-preview-panel">
      <section>
        <h3 className="seeds-heading">Dry run{targetLabel !== null ? ` against ${targetLabel}` : ""}</h3>
        {preview.dryRun !== null && (
          <>
            <p className="seeds-muted">Computed in a transaction that was rolled back: nothing was changed.</p>
            <ResultsTable results={preview.dryRun} testId="seeds-dry-run" />
          </>
        )}
        {preview.dryRunError !== null && (
          <div className="notice notice--danger" role="alert" data-testid="seeds-dry-run-error">
            <p className="notice__title">The dry run could not run</p>
            <p>{preview.dryRunError.message}</p>
          </div>
        )}
        {preview.dryRun === null && preview.dryRunError === null && (
          <p className="seeds-muted">Choose a database to see what a run would change there.</p>
        )}
      </section>
      {preview.tables.map((t) => (
        <section key={t.dataset} className="seeds-preview" data-testid={`seeds-preview-${t.dataset}`}>
          <h3 className="seeds-heading">
            {t.dataset} <span className="seeds-muted">→ {t.table}</span>{" "}
            <span className="seeds-muted">
              first {t.rows.length} of {t.total.toLocaleString("en-US")} rows
            </span>
          </h3>
          {t.rows.length === 0 ? (
            <p className="seeds-muted">No rows to show (a SQL dataset runs as written).</p>
          ) : (
            <div className="seeds-scroll">
              <table className="seeds-table seeds-table--cells">
                <thead>
                  <tr>
                    {t.columns.map((c) => (
                      <th key={c} scope="col">
                        {c}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {t.rows.map((row, i) => (
                    <tr key={i}>
                      {row.map((cell, j) => (
                        <td key={j} className={cell === null ? "seeds-null" : undefined}>
                          {cell ?? "NULL"}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ))}
    </div>
  );
}
