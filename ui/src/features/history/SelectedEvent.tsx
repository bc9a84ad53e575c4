/** The selected event in full: its run, its whole error and its detail, which the row cuts. */
import { OutcomeBadge } from "../../components/OutcomeBadge";
import { TierBadge } from "../../components/TierBadge";
import type { TargetEvent } from "../../ipc/client";
import { eventKindLabel, formatDuration, formatUtc } from "../../lib/format";

export function SelectedEvent({ row }: { row: TargetEvent }) {
  const e = row.event;
  return (
    <section className="history-selected" aria-label="Selected event" data-testid="history-selected">
      <p className="history-selected__title">
        <OutcomeBadge outcome={e.outcome} /> {eventKindLabel(e.kind)}{" "}
        {e.version !== null && <span className="htable__mono">{e.version}</span>} {e.name ?? ""} on{" "}
        <TierBadge tier={row.tier} /> {row.targetLabel}
      </p>
      <dl className="facts history-selected__facts">
        <div>
          <dt>When</dt>
          <dd title={e.at}>{formatUtc(e.at)}</dd>
        </div>
        <div>
          <dt>Took</dt>
          <dd>{formatDuration(e.durationMs) ?? "—"}</dd>
        </div>
        <div>
          <dt>By</dt>
          <dd>{e.actor}</dd>
        </div>
        <div>
          <dt>Run</dt>
          <dd className="facts__mono">{e.runId}</dd>
        </div>
      </dl>
      {e.error !== null && <pre className="history-selected__text history-selected__text--error">{e.error}</pre>}
      {e.detail !== null && <pre className="history-selected__text">{e.detail}</pre>}
    </section>
  );
}
