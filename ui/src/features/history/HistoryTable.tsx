/**
 * The event log as a virtualised table, newest first (the backend's order, kept): only the
 * rows in view are in the DOM, whatever the log's length. A row is selected by click, or by
 * the arrow keys and Enter from the focused list; the screen shows the selection's details.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef, type KeyboardEvent } from "react";
import { OutcomeBadge } from "../../components/OutcomeBadge";
import { TierBadge } from "../../components/TierBadge";
import type { TargetEvent } from "../../ipc/client";
import { eventKindLabel, formatDuration, utcClock } from "../../lib/format";

const ROW_HEIGHT = 38;

export function HistoryTable({
  events,
  selected,
  onSelect,
}: {
  events: readonly TargetEvent[];
  selected: number | null;
  onSelect: (index: number) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns fresh functions each render by design.
  const virtualizer = useVirtualizer({
    count: events.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const last = events.length - 1;
    if (last < 0) return;
    let next: number | null = null;
    if (event.key === "ArrowDown") next = selected === null ? 0 : Math.min(last, selected + 1);
    else if (event.key === "ArrowUp") next = selected === null ? 0 : Math.max(0, selected - 1);
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = last;
    if (next === null) return;
    event.preventDefault();
    onSelect(next);
    virtualizer.scrollToIndex(next, { align: "auto" });
  }

  return (
    <div className="htable" role="table" aria-label="Event log" aria-rowcount={events.length + 1}>
      <div role="rowgroup" className="htable__head">
        <div role="row" className="htable__row htable__row--head" aria-rowindex={1}>
          <span role="columnheader">Time (UTC)</span>
          <span role="columnheader">Target</span>
          <span role="columnheader">Kind</span>
          <span role="columnheader">Migration / dataset</span>
          <span role="columnheader">Outcome</span>
          <span role="columnheader">Duration</span>
          <span role="columnheader">Actor</span>
          <span role="columnheader">Error</span>
        </div>
      </div>
      <div
        ref={scrollRef}
        className="htable__scroll"
        tabIndex={0}
        aria-label="Event log, scrollable; arrow keys select an event"
        onKeyDown={onKeyDown}
      >
        <div role="rowgroup" className="htable__body" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = events[item.index];
            if (!row) return null;
            const e = row.event;
            const isSelected = item.index === selected;
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={isSelected}
                data-testid="history-row"
                data-outcome={e.outcome}
                data-kind={e.kind}
                className={`htable__row${item.index % 2 === 1 ? " htable__row--alt" : ""}${isSelected ? " htable__row--selected" : ""}`}
                style={{ transform: `translateY(${item.start}px)`, height: item.size }}
                onClick={() => onSelect(item.index)}
              >
                <span role="cell" className="htable__mono" title={e.at}>
                  {utcClock(e.at)}
                </span>
                <span role="cell" className="htable__target" title={row.targetLabel}>
                  <TierBadge tier={row.tier} />
                  <span className="htable__ellipsis">{row.targetLabel}</span>
                </span>
                <span role="cell">{eventKindLabel(e.kind)}</span>
                <span role="cell" className="htable__migration" title={[e.version, e.name].filter(Boolean).join(" ")}>
                  {e.version === null && e.name === null ? (
                    <span className="htable__muted">whole run</span>
                  ) : (
                    <>
                      {e.version !== null && <span className="htable__mono">{e.version}</span>}{" "}
                      {e.name !== null && <span>{e.name}</span>}
                    </>
                  )}
                </span>
                <span role="cell">
                  <OutcomeBadge outcome={e.outcome} />
                </span>
                <span role="cell" className="htable__num">
                  {formatDuration(e.durationMs) ?? "—"}
                </span>
                <span role="cell" className="htable__ellipsis" title={e.actor}>
                  {e.actor}
                </span>
                <span role="cell" className="htable__ellipsis htable__error" title={e.error ?? undefined}>
                  {e.error ?? ""}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
