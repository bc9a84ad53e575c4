/**
 * Read-only SQL in one CodeMirror editor (line numbers, the dialect's highlighting), rebuilt
 * when the text or the dialect changes and destroyed on unmount.
 */
import { EditorState } from "@codemirror/state";
import { EditorView, lineNumbers } from "@codemirror/view";
import { useEffect, useRef } from "react";
import type { DatabaseKind } from "../../ipc/bindings";
import { readOnlySql } from "./editorSetup";

export function SqlView({ sql, dialect, label, testId }: { sql: string; dialect: DatabaseKind | null; label: string; testId?: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const parent = host.current;
    if (!parent) return;
    const view = new EditorView({
      parent,
      state: EditorState.create({ doc: sql, extensions: [lineNumbers(), readOnlySql(dialect, label)] }),
    });
    return () => view.destroy();
  }, [sql, dialect, label]);
  return <div ref={host} className="sql-view" data-testid={testId} />;
}
