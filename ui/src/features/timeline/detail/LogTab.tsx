/**
 * The Log tab: the migration's events in every database, newest first — when, where (with
 * its tier), what, how it ended (icon and word), how long, by whom, the error (expandable)
 * and the detail — and, above them, each database whose log could not be read, with why.
 */
import { useState } from "react";
import { Badge } from "../../../components/Badge";
import { EmptyState } from "../../../components/EmptyState";
import { Icon } from "../../../components/Icon";
import { OutcomeBadge } from "../../../components/OutcomeBadge";
import { TierBadge } from "../../../components/TierBadge";
import type { TargetEvent, TargetFailure } from "../../../ipc/client";
import { eventKindLabel, formatDuration, formatUtc } from "../../../lib/format";
import { newestFirst } from "./detail";
import { VirtualList } from "./VirtualList";

function eventKey(e: TargetEvent, index: number): string {
  return `${e.target}|${e.event.runId}|${e.event.at}|${e.event.kind}|${index}`;
}

export function LogTab({
  events,
  failures,
}: {
  events: readonly TargetEvent[];
  failures: readonly TargetFailure[];
}) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const ordered = newestFirst(events);

  function toggle(key: string) {
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  }

  return (
    <div className="log">
      {failures.length > 0 && (
        <ul className="log__failures" aria-label="Databases whose log could not be read">
          {failures.map((f) => (
            <li key={f.target} className="log__failure" data-testid="detail-failure">
              <Badge tone="danger" icon="failed">
                Not read
              </Badge>
              <span className="log__failure-target">{f.targetLabel}</span>
              <span className="log__failure-message">{f.error.message}</span>
            </li>
          ))}
        </ul>
      )}
      {ordered.length === 0 ? (
        <EmptyState title="No events" icon={<Icon name="info" size={28} />}>
          <p>
            {failures.length > 0
              ? "None of the databases that could be read has applied or rolled back this migration."
              : "No database of this project has applied, rolled back or repaired this migration yet."}
          </p>
        </EmptyState>
      ) : (
        <VirtualList
          className="log__events"
          label="Events, newest first"
          items={ordered}
          estimateSize={64}
          measure
          getKey={eventKey}
          renderItem={(item, index) => {
            const key = eventKey(item, index);
            return <EventRow item={item} expanded={open.has(key)} onToggle={() => toggle(key)} />;
          }}
        />
      )}
    </div>
  );
}

function EventRow({
  item,
  expanded,
  onToggle,
}: {
  item: TargetEvent;
  expanded: boolean;
  onToggle: () => void;
}) {
  const { event } = item;
  const duration = formatDuration(event.durationMs);
  const firstLine = event.error?.split(/\r?\n/)[0] ?? "";
  return (
    <article className="log-event" data-testid="detail-event" data-outcome={event.outcome}>
      <div className="log-event__line">
        <time className="log-event__time" dateTime={event.at} title={event.at}>
          {formatUtc(event.at)}
        </time>
        <span className="log-event__target">{item.targetLabel}</span>
        <TierBadge tier={item.tier} />
        <span className="log-event__kind">{eventKindLabel(event.kind)}</span>
        <OutcomeBadge outcome={event.outcome} />
        {duration !== null && <span className="log-event__duration">{duration}</span>}
        <span className="log-event__actor" title="Who ran it (user@host)">
          {event.actor}
        </span>
      </div>
      {event.error !== null && (
        <div className="log-event__error">
          <button type="button" className="link-button" aria-expanded={expanded} onClick={onToggle}>
            {expanded ? "Hide error" : "Show error"}
          </button>
          {expanded ? (
            <pre className="log-event__error-text">{event.error}</pre>
          ) : (
            <span className="log-event__error-preview">{firstLine}</span>
          )}
        </div>
      )}
      {event.detail !== null && <p className="log-event__detail">{event.detail}</p>}
    </article>
  );
}
