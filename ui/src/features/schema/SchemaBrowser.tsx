/**
 * One database's live schema: a search box, the virtualised object tree (namespaces, objects,
 * the parts of the objects opened), and the selected object's attributes, parts and DDL.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { lazy, Suspense, useDeferredValue, useMemo, useRef, useState } from "react";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Icon } from "../../components/Icon";
import { LoadingState } from "../../components/LoadingState";
import { describeError, type SchemaView, type TimelineTarget } from "../../ipc/client";
import { useTargetSchema } from "../../ipc/queries";
import { findObject, OBJECT_KIND_LABEL, PART_KIND_LABEL, schemaRows, type SchemaRow } from "../../lib/schemaTree";

const SqlView = lazy(() => import("../../components/sql/SqlView").then((m) => ({ default: m.SqlView })));

export function SchemaBrowser({ project, target }: { project: string; target: TimelineTarget }) {
  const schema = useTargetSchema(project, target.id);
  if (schema.isPending) return <LoadingState label={`Reading the schema of ${target.label}…`} />;
  if (schema.isError) {
    const error = describeError(schema.error);
    return (
      <ErrorState
        title={`The schema of ${target.label} could not be read`}
        summary={error.summary}
        message={error.message}
        code={error.code}
        onRetry={() => void schema.refetch()}
        retrying={schema.isFetching}
      />
    );
  }
  const view = schema.data.schema;
  if (view.namespaces.every((n) => n.objects.length === 0)) {
    return (
      <EmptyState title={`${target.label} has no tables yet`} icon={<Icon name="schema" size={28} />}>
        <p>Apply its migrations on the Timeline screen, then come back to browse what they created.</p>
      </EmptyState>
    );
  }
  return <Browser key={target.id} view={view} />;
}

function Browser({ view }: { view: SchemaView }) {
  const [query, setQuery] = useState("");
  const deferred = useDeferredValue(query);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<string | null>(null);
  const rows = useMemo(() => schemaRows(view, expanded, deferred), [view, expanded, deferred]);
  const chosen = selected === null ? null : findObject(view, selected);
  const toggle = (id: string) =>
    setExpanded((old) => {
      const next = new Set(old);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <div className="sc-browse">
      <div className="sc-browse__tree">
        <input
          className="input sc-search"
          type="search"
          data-testid="schema-search"
          placeholder="Search tables, columns, indexes…"
          aria-label="Search the schema"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <p className="sc-muted" role="status">
          {view.tableCount} {view.tableCount === 1 ? "table" : "tables"}
        </p>
        {rows.length === 0 ? (
          <p className="sc-muted" data-testid="schema-no-match">
            Nothing matches “{query}”. Clear the search to see every object.
          </p>
        ) : (
          <ObjectTree rows={rows} expanded={expanded} selected={selected} onToggle={toggle} onSelect={setSelected} />
        )}
      </div>
      <div className="sc-browse__detail" data-testid="schema-detail">
        {chosen === null ? (
          <p className="sc-muted">Select an object to see its attributes and DDL.</p>
        ) : (
          <>
            <h2 className="sc-detail__title">
              <span className="sc-kind">{OBJECT_KIND_LABEL[chosen.object.kind]}</span> {chosen.namespace}.
              {chosen.object.name}
            </h2>
            <dl className="sc-attrs">
              {chosen.object.attributes.map((a) => (
                <div key={a.label} className="sc-attrs__row">
                  <dt>{a.label}</dt>
                  <dd>{a.value}</dd>
                </div>
              ))}
            </dl>
            {chosen.object.parts.length > 0 && (
              <table className="sc-parts">
                <thead>
                  <tr>
                    <th scope="col">Kind</th>
                    <th scope="col">Name</th>
                    <th scope="col">Definition</th>
                  </tr>
                </thead>
                <tbody>
                  {chosen.object.parts.map((p) => (
                    <tr key={`${p.kind}/${p.name}`}>
                      <td>{PART_KIND_LABEL[p.kind]}</td>
                      <td className="sc-mono">{p.name}</td>
                      <td className="sc-mono">{p.summary}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <h3 className="sc-detail__sub">DDL</h3>
            <Suspense fallback={<LoadingState label="Opening the editor…" />}>
              <SqlView sql={chosen.object.ddl} dialect={view.engine} label={`DDL of ${chosen.object.name}`} testId="schema-ddl" />
            </Suspense>
          </>
        )}
      </div>
    </div>
  );
}

function ObjectTree({
  rows,
  expanded,
  selected,
  onToggle,
  onSelect,
}: {
  rows: readonly SchemaRow[];
  expanded: ReadonlySet<string>;
  selected: string | null;
  onToggle: (id: string) => void;
  onSelect: (id: string) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns fresh functions each render by design.
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 28,
    overscan: 12,
    getItemKey: (i) => rows[i]?.id ?? i,
  });
  return (
    <div ref={scrollRef} className="sc-tree" data-testid="schema-tree">
      <div role="tree" aria-label="Schema objects" className="sc-tree__body" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((v) => {
          const row = rows[v.index];
          if (row === undefined) return null;
          const style = { transform: `translateY(${v.start}px)`, height: v.size, paddingLeft: 6 + row.depth * 16 };
          if (row.kind === "namespace") {
            return (
              <div key={v.key} role="treeitem" aria-level={1} className="sc-tree__row sc-tree__ns" style={style}>
                {row.name} <span className="sc-muted">({row.count})</span>
              </div>
            );
          }
          if (row.kind === "part") {
            return (
              <div key={v.key} role="treeitem" aria-level={3} className="sc-tree__row sc-tree__part" style={style} data-testid="schema-part">
                <span className="sc-kind">{PART_KIND_LABEL[row.partKind]}</span>{" "}
                <span className="sc-mono">{row.name}</span>{" "}
                <span className="sc-muted sc-ellipsis">{row.summary}</span>
              </div>
            );
          }
          const open = expanded.has(row.id);
          return (
            <div
              key={v.key}
              role="treeitem"
              aria-level={2}
              aria-expanded={row.expandable ? open : undefined}
              aria-selected={selected === row.id}
              className={`sc-tree__row sc-tree__obj${selected === row.id ? " is-selected" : ""}`}
              style={style}
              data-testid="schema-object"
              data-name={row.object.name}
            >
              {row.expandable ? (
                <button
                  type="button"
                  className="sc-twisty"
                  aria-label={`${open ? "Collapse" : "Expand"} ${row.object.name}`}
                  onClick={() => onToggle(row.id)}
                >
                  {open ? "▾" : "▸"}
                </button>
              ) : (
                <span className="sc-twisty" aria-hidden="true" />
              )}
              <button type="button" className="sc-tree__pick" onClick={() => onSelect(row.id)}>
                <span className="sc-kind">{OBJECT_KIND_LABEL[row.object.kind]}</span>{" "}
                <span className="sc-mono">{row.object.name}</span>
              </button>
            </div>
          );
        })}
      </div>
    </div>
  );
}
