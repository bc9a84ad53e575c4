/**
 * A schema diff as an indented, virtualised list: each row has its sign (+, −, ~) and its text
 * label ("added", "removed", "changed"), never colour alone, then what it is and its name, and
 * the attributes that differ. Rows are buttons when `onSelect` is given.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import type { DiffRow } from "../../lib/schemaTree";

export function DiffTree({
  rows,
  label,
  selected,
  onSelect,
  testId = "diff-tree",
}: {
  rows: readonly DiffRow[];
  label: string;
  selected?: string | null;
  onSelect?: (row: DiffRow) => void;
  testId?: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns fresh functions each render by design.
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 30,
    overscan: 10,
    getItemKey: (i) => rows[i]?.id ?? i,
  });
  return (
    <div ref={scrollRef} className="diff-tree" data-testid={testId} tabIndex={0} aria-label={`${label}, scrollable`}>
      <div role="list" aria-label={label} className="diff-tree__body" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((v) => {
          const row = rows[v.index];
          if (row === undefined) return null;
          const content = (
            <>
              <span className="diff-tree__line">
                <span className={`diff-sign diff-sign--${row.change}`} aria-hidden="true">
                  {row.sign}
                </span>
                <span className={`diff-label diff-label--${row.change}`}>{row.label}</span>{" "}
                <span className="diff-tree__what">{row.what}</span>{" "}
                <span className="diff-tree__name" title={row.name}>
                  {row.name}
                </span>
              </span>
              {row.details.length > 0 && <span className="diff-tree__details">{row.details.join(" · ")}</span>}
            </>
          );
          return (
            <div
              key={v.key}
              role="listitem"
              data-index={v.index}
              ref={virtualizer.measureElement}
              className="diff-tree__row"
              style={{ transform: `translateY(${v.start}px)`, paddingLeft: 8 + row.depth * 18 }}
              data-testid="diff-row"
              data-change={row.change}
              data-what={row.what}
              data-name={row.name}
            >
              {onSelect ? (
                <button
                  type="button"
                  className={`diff-tree__item${selected === row.id ? " is-selected" : ""}`}
                  aria-pressed={selected === row.id}
                  onClick={() => onSelect(row)}
                >
                  {content}
                </button>
              ) : (
                <div className="diff-tree__item">{content}</div>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
