/** The migration files, one row each, virtualised: projects can have thousands. */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import { Badge } from "../../components/Badge";
import type { Migration } from "../../ipc/bindings";
import { baseName, versionTimestamp } from "../../lib/format";

const ROW_HEIGHT = 36;

export function MigrationTable({
  migrations,
  label,
}: {
  migrations: readonly Migration[];
  label: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns fresh functions each render by design.
  const virtualizer = useVirtualizer({
    count: migrations.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => migrations[index]?.version ?? index,
  });

  return (
    <div className="mtable" role="table" aria-label={label} aria-rowcount={migrations.length + 1}>
      <div className="mtable__head" role="rowgroup">
        <div className="mtable__row mtable__row--head" role="row" aria-rowindex={1}>
          <span role="columnheader">Version</span>
          <span role="columnheader">Name</span>
          <span role="columnheader">Down part</span>
          <span role="columnheader">File</span>
        </div>
      </div>
      <div
        ref={scrollRef}
        className="mtable__scroll"
        tabIndex={0}
        aria-label={`${label}, scrollable`}
      >
        <div
          role="rowgroup"
          className="mtable__body"
          style={{ height: virtualizer.getTotalSize() }}
        >
          {virtualizer.getVirtualItems().map((item) => {
            const migration = migrations[item.index];
            if (!migration) return null;
            const when = versionTimestamp(migration.version);
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 2}
                className={`mtable__row${item.index % 2 === 1 ? " mtable__row--alt" : ""}`}
                style={{ transform: `translateY(${item.start}px)`, height: item.size }}
              >
                <span role="cell" className="mtable__version" title={when ?? undefined}>
                  {migration.version}
                </span>
                <span role="cell" className="mtable__name" title={migration.name}>
                  {migration.name}
                </span>
                <span role="cell">
                  {migration.downPath !== null ? (
                    <Badge tone="neutral" title={migration.downPath}>
                      down part
                    </Badge>
                  ) : (
                    <Badge tone="warning" title="This migration cannot be rolled back by Strata">
                      no down part
                    </Badge>
                  )}
                </span>
                <span role="cell" className="mtable__file" title={migration.upPath}>
                  {baseName(migration.upPath)}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
