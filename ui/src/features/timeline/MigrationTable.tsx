/**
 * The timeline list: a header row (one column per target) and the migrations, virtualised
 * (only the rows in view are in the DOM, so 5,000 scroll smoothly), on a vertical rail. It is
 * one ARIA grid with a single Tab stop: arrow keys, Home/End and Page Up/Down move the
 * selection, Enter opens the detail, Escape closes it, Shift+F10 (or the context-menu key)
 * opens the selected row's actions. Every cell states its state in words with an icon.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useCallback, useEffect, useRef, type CSSProperties, type KeyboardEvent } from "react";
import { Badge } from "../../components/Badge";
import type { Timeline, TimelineCell, TimelineRow, TimelineTarget } from "../../ipc/client";
import { versionTimestamp } from "../../lib/format";
import { applyAllOption, type TargetFacts, type TimelineAction } from "./actions";
import { RowActions } from "./RowActions";
import { cellState, railState, STATE_INFO, type StateCounts } from "./state";
import { TargetHeaderCell } from "./TargetHeader";
import { appliedSummary } from "./time";

export const ROW_HEIGHT = 52;

/** The DOM id of a row, for aria-activedescendant. */
export function rowDomId(version: string): string {
  return `tl-row-${version.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

export function MigrationTable({
  project,
  timeline,
  facts,
  counts,
  shown,
  selected,
  onSelect,
  onOpen,
  onCloseDetail,
  onAction,
  onRetry,
  retrying,
  now,
}: {
  project: string;
  timeline: Timeline;
  facts: readonly TargetFacts[];
  counts: readonly StateCounts[];
  /** Indices into `timeline.rows` of the rows the filter lets through, in order. */
  shown: readonly number[];
  selected: string | null;
  /** `open`: also open the detail (a click); arrow keys only move the selection. */
  onSelect: (version: string, open: boolean) => void;
  onOpen: () => void;
  onCloseDetail: () => void;
  onAction: (action: TimelineAction) => void;
  onRetry: () => void;
  retrying: boolean;
  now: number;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const { rows, targets } = timeline;
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns fresh functions each render by design.
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    getItemKey: (i) => rows[shown[i] ?? -1]?.version ?? i,
  });

  const position = selected === null ? -1 : shown.findIndex((i) => rows[i]?.version === selected);

  // Keep the selected row in view when it moves (keys, a new migration, a filter change).
  useEffect(() => {
    if (position >= 0) virtualizer.scrollToIndex(position, { align: "auto" });
  }, [position, virtualizer]);

  const columns: CSSProperties = {
    // repeat(0, …) is invalid CSS: a project with no database has no state columns at all.
    ["--tl-columns" as string]:
      targets.length === 0
        ? "minmax(17rem, 1fr) 2.75rem"
        : `minmax(17rem, 1.3fr) repeat(${targets.length}, minmax(11.5rem, 1fr)) 2.75rem`,
    ["--tl-min-width" as string]: `calc(17rem + ${targets.length} * 11.5rem + 2.75rem + ${targets.length + 1} * 12px + 24px)`,
  };

  function moveTo(to: number) {
    const clamped = Math.max(0, Math.min(shown.length - 1, to));
    const row = rows[shown[clamped] ?? -1];
    if (row) onSelect(row.version, false);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.target !== event.currentTarget) return; // keys in the header's buttons are theirs
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    const handled = (() => {
      switch (event.key) {
        case "ArrowDown":
          moveTo(position < 0 ? 0 : position + 1);
          return true;
        case "ArrowUp":
          moveTo(position < 0 ? 0 : position - 1);
          return true;
        case "Home":
          moveTo(0);
          return true;
        case "End":
          moveTo(shown.length - 1);
          return true;
        case "PageDown":
          moveTo(position + page);
          return true;
        case "PageUp":
          moveTo(position - page);
          return true;
        case "Enter":
          if (position >= 0) onOpen();
          return position >= 0;
        case "Escape":
          onCloseDetail();
          return true;
        case "ContextMenu":
        case "F10": {
          if (event.key === "F10" && !event.shiftKey) return false;
          if (selected === null) return false;
          const button = scrollRef.current?.querySelector<HTMLButtonElement>(
            `[data-testid="row-actions-${CSS.escape(selected)}"]`,
          );
          button?.click();
          return button !== null && button !== undefined;
        }
        default:
          return false;
      }
    })();
    if (handled) event.preventDefault();
  }

  const onRowClick = useCallback(
    (version: string) => {
      onSelect(version, true);
      gridRef.current?.focus({ preventScroll: true });
    },
    [onSelect],
  );

  const selectedRow = position >= 0 ? rows[shown[position]!] : undefined;
  return (
    <div
      ref={gridRef}
      className="tl-table"
      style={columns}
      role="grid"
      aria-label={`Migrations of the project, ${shown.length} shown`}
      aria-rowcount={shown.length + 1}
      aria-colcount={targets.length + 2}
      aria-activedescendant={selectedRow ? rowDomId(selectedRow.version) : undefined}
      tabIndex={0}
      data-testid="timeline-grid"
      onKeyDown={onKeyDown}
    >
      <div className="tl-head" ref={headRef} role="rowgroup">
        <HeaderRow
          project={project}
          timeline={timeline}
          facts={facts}
          counts={counts}
          onAction={onAction}
          onRetry={onRetry}
          retrying={retrying}
        />
      </div>
      <div
        ref={scrollRef}
        className="tl-scroll"
        onScroll={(event) => {
          if (headRef.current) headRef.current.scrollLeft = event.currentTarget.scrollLeft;
        }}
      >
        <div className="tl-body" role="rowgroup" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const index = shown[item.index];
            const row = index === undefined ? undefined : rows[index];
            if (index === undefined || !row) return null;
            return (
              <RowView
                key={item.key}
                row={row}
                rowIndex={index}
                ariaIndex={item.index + 2}
                first={item.index === 0}
                last={item.index === shown.length - 1}
                start={item.start}
                selected={row.version === selected}
                project={project}
                timeline={timeline}
                facts={facts}
                onAction={onAction}
                onClick={onRowClick}
                now={now}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** The column headers; memoised: scrolling re-renders the list, never the header. */
const HeaderRow = memo(function HeaderRow({
  project,
  timeline,
  facts,
  counts,
  onAction,
  onRetry,
  retrying,
}: {
  project: string;
  timeline: Timeline;
  facts: readonly TargetFacts[];
  counts: readonly StateCounts[];
  onAction: (action: TimelineAction) => void;
  onRetry: () => void;
  retrying: boolean;
}) {
  return (
    <div className="tl-row tl-row--head" role="row" aria-rowindex={1}>
      <div role="columnheader" className="tl-head__migration">
        Migration
      </div>
      {timeline.targets.map((target, t) => (
        <TargetHeaderCell
          key={target.id}
          target={target}
          counts={counts[t]!}
          applyAll={applyAllOption(project, timeline, facts, t)}
          onAction={onAction}
          onRetry={onRetry}
          retrying={retrying}
        />
      ))}
      <div role="columnheader">
        <span className="sr-only">Actions</span>
      </div>
    </div>
  );
});

/** One migration's row; memoised so a scroll renders only the rows that came into view. */
const RowView = memo(function RowView({
  row,
  rowIndex,
  ariaIndex,
  first,
  last,
  start,
  selected,
  project,
  timeline,
  facts,
  onAction,
  onClick,
  now,
}: {
  row: TimelineRow;
  rowIndex: number;
  ariaIndex: number;
  first: boolean;
  last: boolean;
  start: number;
  selected: boolean;
  project: string;
  timeline: Timeline;
  facts: readonly TargetFacts[];
  onAction: (action: TimelineAction) => void;
  onClick: (version: string) => void;
  now: number;
}) {
  return (
    <div
      id={rowDomId(row.version)}
      role="row"
      aria-rowindex={ariaIndex}
      aria-selected={selected}
      data-testid={`migration-${row.version}`}
      className={`tl-row${selected ? " tl-row--selected" : ""}${first ? " tl-row--first" : ""}${last ? " tl-row--last" : ""}`}
      style={{ transform: `translateY(${start}px)`, height: ROW_HEIGHT }}
      onClick={() => onClick(row.version)}
    >
      <MigrationCell row={row} />
      {timeline.targets.map((target, t) => (
        <StateCell key={target.id} row={row} target={target} cell={row.cells[t] ?? null} now={now} />
      ))}
      <div role="gridcell" className="tl-row__menu">
        <RowActions project={project} timeline={timeline} facts={facts} rowIndex={rowIndex} onAction={onAction} inList />
      </div>
    </div>
  );
});

function MigrationCell({ row }: { row: TimelineRow }) {
  const rail = STATE_INFO[railState(row)];
  const stamp = versionTimestamp(row.version);
  const byline = [row.description, row.author !== null ? `by ${row.author}` : null].filter(Boolean).join(" · ");
  return (
    <div role="rowheader" className="tl-mig">
      <span className={`tl-rail tl-rail--${rail.tone}`} aria-hidden="true">
        <span className="tl-rail__dot" />
      </span>
      <div className="tl-mig__text">
        <div className="tl-mig__line">
          <span className="tl-version tl-mono" title={stamp ?? undefined}>
            {row.version}
          </span>
          <span className="tl-name" title={row.name}>
            {row.name}
          </span>
        </div>
        <div className="tl-mig__line tl-mig__line--muted">
          {!row.onDisk && (
            <Badge tone="warning" icon="missingFile" title="Only a database's history knows this migration: its file was deleted.">
              file missing
            </Badge>
          )}
          {row.onDisk && !row.reversible && !row.repeatable && (
            <Badge tone="neutral" icon="noDown" title="It has no down part: Strata cannot roll it back.">
              no down part
            </Badge>
          )}
          {row.noTransaction && (
            <Badge tone="neutral" icon="noTransaction" title="It runs outside a transaction: a failure can leave part of it applied.">
              no transaction
            </Badge>
          )}
          {row.repeatable && (
            <Badge tone="neutral" icon="changed" title="A repeatable migration: applied again whenever its file changes.">
              repeatable
            </Badge>
          )}
          {byline !== "" && (
            <span className="tl-byline" title={byline}>
              {byline}
            </span>
          )}
        </div>
      </div>
    </div>
  );
}

function StateCell({
  row,
  target,
  cell,
  now,
}: {
  row: TimelineRow;
  target: TimelineTarget;
  cell: TimelineCell | null;
  now: number;
}) {
  const state = cellState(cell);
  const info = STATE_INFO[state];
  const summary = cell?.applied ? appliedSummary(cell.applied, now) : null;
  return (
    <div
      role="gridcell"
      className="tl-cell"
      data-testid={`cell-${row.version}-${target.id}`}
      data-state={state}
    >
      <Badge tone={info.tone} icon={info.icon} title={`${target.label}: ${info.meaning}`}>
        {info.label}
      </Badge>
      {summary !== null && (
        <span className="tl-cell__applied" title={summary.full}>
          {summary.short}
        </span>
      )}
    </div>
  );
}
