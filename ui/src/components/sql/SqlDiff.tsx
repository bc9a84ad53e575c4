/**
 * A read-only side-by-side diff (CodeMirror's MergeView): the SQL a target's history stored
 * on the left, the file as it is now on the right, unchanged stretches collapsed. Rebuilt
 * when either text or the dialect changes, destroyed on unmount.
 */
import { MergeView } from "@codemirror/merge";
import { lineNumbers } from "@codemirror/view";
import { useEffect, useRef } from "react";
import type { DatabaseKind } from "../../ipc/bindings";
import { readOnlySql } from "./editorSetup";

export function SqlDiff({
  stored,
  file,
  dialect,
  storedLabel,
  fileLabel,
}: {
  stored: string;
  file: string;
  dialect: DatabaseKind | null;
  storedLabel: string;
  fileLabel: string;
}) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const parent = host.current;
    if (!parent) return;
    const merge = new MergeView({
      parent,
      a: { doc: stored, extensions: [lineNumbers(), readOnlySql(dialect, storedLabel)] },
      b: { doc: file, extensions: [lineNumbers(), readOnlySql(dialect, fileLabel)] },
      gutter: true,
      highlightChanges: true,
      collapseUnchanged: { margin: 3, minSize: 4 },
    });
    return () => merge.destroy();
  }, [stored, file, dialect, storedLabel, fileLabel]);

  return (
    <div className="sql-diff">
      <div className="sql-diff__heads" aria-hidden="true">
        <span className="sql-diff__head sql-diff__head--stored">{storedLabel}</span>
        <span className="sql-diff__head sql-diff__head--file">{fileLabel}</span>
      </div>
      <div ref={host} className="sql-diff__view" data-testid="sql-diff" />
    </div>
  );
}
