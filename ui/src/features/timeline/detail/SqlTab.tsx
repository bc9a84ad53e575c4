/**
 * The SQL tab: the up or the down part (a switch) in a read-only editor whose gutter numbers
 * each statement as the engine splits it, and the statements listed below; picking one
 * scrolls the editor to it. A missing file and a missing down part say so in words. The
 * editor (CodeMirror) is loaded on first use.
 */
import { lazy, Suspense } from "react";
import { Badge } from "../../../components/Badge";
import { EmptyState } from "../../../components/EmptyState";
import { Icon } from "../../../components/Icon";
import { LoadingState } from "../../../components/LoadingState";
import type { DatabaseKind } from "../../../ipc/bindings";
import type { MigrationDetail, StatementSpan } from "../../../ipc/client";
import { baseName, engineName, plural } from "../../../lib/format";
import { lineCountOf, statementLines, statementPreview, type Part } from "./detail";
import type { EditorFocus } from "./SqlEditor";
import { VirtualList } from "./VirtualList";

const STATEMENT_ROW = 30;

// CodeMirror loads with the first SQL shown, not with the app.
const SqlEditor = lazy(() => import("./SqlEditor").then((m) => ({ default: m.SqlEditor })));

export function SqlTab({
  detail,
  dialect,
  part,
  onPart,
  focus,
  onFocus,
}: {
  detail: MigrationDetail;
  dialect: DatabaseKind | null;
  part: Part;
  onPart: (part: Part) => void;
  focus: EditorFocus | null;
  onFocus: (focus: EditorFocus) => void;
}) {
  const shown = part === "up" ? detail.up : detail.down;

  function pick(statement: StatementSpan) {
    if (!shown) return;
    const lines = statementLines(statement, lineCountOf(shown.sql));
    onFocus({ ...lines, statement: statement.index, nonce: (focus?.nonce ?? 0) + 1 });
  }

  return (
    <div className="sql-tab">
      <div className="sql-tab__bar">
        <div className="segmented" role="group" aria-label="Part of the migration">
          <button
            type="button"
            className="segmented__item"
            aria-pressed={part === "up"}
            onClick={() => onPart("up")}
          >
            Up{detail.up === null ? " (file missing)" : ""}
          </button>
          <button
            type="button"
            className="segmented__item"
            aria-pressed={part === "down"}
            onClick={() => onPart("down")}
          >
            Down{detail.down === null ? " (none)" : ""}
          </button>
        </div>
        {shown && (
          <>
            <span className="sql-tab__file" title={shown.path}>
              {baseName(shown.path)}
            </span>
            <span className="sql-tab__count">
              {plural(shown.statements.length, "statement")}
              {dialect !== null && ` as split for ${engineName(dialect)}`}
            </span>
            {shown.noTransaction && (
              <Badge tone="warning" icon="alert" title="A failure can leave this part half done">
                Runs outside a transaction
              </Badge>
            )}
          </>
        )}
      </div>

      {shown === null ? (
        part === "up" || detail.up === null ? (
          <EmptyState title="File missing" icon={<Icon name="alert" size={28} />}>
            <p>
              The file of migration {detail.version} is gone from the migrations folder. The up and
              down SQL each database recorded when it was applied are in the Changes tab; restore
              the file to see and run it here.
            </p>
          </EmptyState>
        ) : (
          <EmptyState title="No down part: this migration cannot be rolled back" icon={<Icon name="info" size={28} />}>
            <p>Add a down file that undoes the up part to make it reversible.</p>
          </EmptyState>
        )
      ) : (
        <>
          <div className="sql-tab__editor">
            <Suspense fallback={<LoadingState label="Loading the editor…" />}>
              <SqlEditor
                key={part}
                doc={shown.sql}
                dialect={dialect}
                statements={shown.statements}
                label={`${part === "up" ? "Up" : "Down"} SQL of ${detail.version} ${detail.name}, read-only`}
                focus={focus}
              />
            </Suspense>
          </div>
          {shown.statements.length === 0 ? (
            <p className="sql-tab__none">No statement: running this part changes nothing.</p>
          ) : (
            <VirtualList
              className="sql-tab__statements"
              label="Statements"
              items={shown.statements}
              estimateSize={STATEMENT_ROW}
              getKey={(s) => s.index}
              renderItem={(s) => (
                <button
                  type="button"
                  className="statement-row"
                  aria-current={focus?.statement === s.index ? "true" : undefined}
                  data-testid={`detail-statement-${s.index}`}
                  onClick={() => pick(s)}
                  title={`Show statement ${s.index} in the editor`}
                >
                  <span className="statement-row__index">{s.index}</span>
                  <span className="statement-row__line">line {s.line}</span>
                  <code className="statement-row__sql">{statementPreview(s.sql)}</code>
                </button>
              )}
            />
          )}
        </>
      )}
    </div>
  );
}
