/**
 * A scrolling list that renders only the rows in view (TanStack Virtual), for the detail
 * pane's lists that grow with the migration: statements, checks, events. Rows of varying
 * height are measured as they render (`measure`); fixed-height rows skip measuring.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef, type ReactNode } from "react";

export function VirtualList<T>({
  items,
  getKey,
  renderItem,
  estimateSize,
  measure = false,
  label,
  className,
}: {
  items: readonly T[];
  getKey: (item: T, index: number) => string | number;
  renderItem: (item: T, index: number) => ReactNode;
  estimateSize: number;
  /** Rows vary in height (wrapping text, expandable parts): measure each one. */
  measure?: boolean;
  label: string;
  className?: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns fresh functions each render by design.
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => estimateSize,
    overscan: 8,
    getItemKey: (index) => {
      const item = items[index];
      return item === undefined ? index : getKey(item, index);
    },
  });

  return (
    <div
      ref={scrollRef}
      className={["vlist", className].filter(Boolean).join(" ")}
      tabIndex={0}
      aria-label={`${label}, scrollable`}
    >
      <div role="list" aria-label={label} className="vlist__body" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => {
          const item = items[row.index];
          if (item === undefined) return null;
          return (
            <div
              key={row.key}
              role="listitem"
              aria-setsize={items.length}
              aria-posinset={row.index + 1}
              data-index={row.index}
              ref={measure ? virtualizer.measureElement : undefined}
              className="vlist__row"
              style={{
                transform: `translateY(${row.start}px)`,
                height: measure ? undefined : row.size,
              }}
            >
              {renderItem(item, row.index)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
