/** A run: a progress bar per dataset, Cancel while it goes, then the counts or the failure. */
import { Badge, type BadgeTone } from "../../components/Badge";
import { Button } from "../../components/Button";
import type { IconName } from "../../components/Icon";
import { fraction, STATUS_LABELS, type DatasetStatus, type SeedRunState } from "./progress";
import { ResultsTable } from "./PreviewPanel";

const STATUS_LOOK: Record<DatasetStatus, { tone: BadgeTone; icon: IconName }> = {
  waiting: { tone: "neutral", icon: "waiting" },
  running: { tone: "accent", icon: "running" },
  applied: { tone: "success", icon: "ok" },
  unchanged: { tone: "neutral", icon: "skipped" },
  failed: { tone: "danger", icon: "failed" },
  cancelled: { tone: "warning", icon: "cancelled" },
};

export function RunPanel({
  run,
  targetLabel,
  onCancel,
  cancelling,
}: {
  run: SeedRunState;
  targetLabel: string;
  onCancel: () => void;
  cancelling: boolean;
}) {
  const results = run.rows.flatMap((r) => (r.result === null ? [] : [r.result]));
  return (
    <div className="seeds-output" data-testid="seeds-run-panel" data-phase={run.phase}>
      <header className="seeds-run__head">
        <h3 className="seeds-heading">
          {run.phase === "running" && `Seeding ${targetLabel}…`}
          {run.phase === "finished" && `Seeded ${targetLabel}`}
          {run.phase === "failed" && `The run failed on ${targetLabel}`}
          {run.phase === "cancelled" && `The run was cancelled on ${targetLabel}`}
        </h3>
        {run.phase === "running" && (
          <Button data-testid="seeds-cancel" onClick={onCancel} disabled={cancelling}>
            {cancelling ? "Cancelling…" : "Cancel"}
          </Button>
        )}
      </header>
      {run.message !== null && (
        <div
          className={`notice ${run.phase === "failed" ? "notice--danger" : "notice--warning"}`}
          role="alert"
          data-testid="seeds-run-message"
        >
          <p className="notice__title">{run.phase === "failed" ? "Failed, and rolled back" : "Cancelled"}</p>
          <p>{run.message}</p>
        </div>
      )}
      <ol className="seeds-progress" aria-label="Datasets">
        {run.rows.map((r) => {
          const look = STATUS_LOOK[r.status];
          const pct = Math.round(fraction(r) * 100);
          return (
            <li key={r.dataset} className="seeds-progress__row" data-testid={`seeds-progress-${r.dataset}`} data-status={r.status}>
              <span className="seeds-progress__name">{r.dataset}</span>
              <progress
                className="seeds-progress__bar"
                max={100}
                value={pct}
                aria-label={`${r.dataset}: ${pct}%`}
              />
              <span className="seeds-progress__count">
                {r.done.toLocaleString("en-US")} / {r.total.toLocaleString("en-US")}
              </span>
              <Badge tone={look.tone} icon={look.icon}>
                {STATUS_LABELS[r.status]}
              </Badge>
            </li>
          );
        })}
      </ol>
      {run.phase !== "running" && results.length > 0 && (
        <section>
          <h3 className="seeds-heading">Results</h3>
          <ResultsTable results={results} testId="seeds-results" />
        </section>
      )}
    </div>
  );
}
