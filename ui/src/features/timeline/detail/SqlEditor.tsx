/**
 * One part's SQL in a read-only CodeMirror editor: line numbers, and beside them a gutter
 * marking the line where each statement starts with its number as the engine split it.
 * `focus` scrolls to a statement and shades its lines. The editor is rebuilt when the text,
 * the dialect or the statements change; it is destroyed on unmount.
 */
import { EditorState, RangeSet, StateEffect, StateField, type Extension } from "@codemirror/state";
import {
  Decoration,
  EditorView,
  GutterMarker,
  gutter,
  lineNumbers,
  type DecorationSet,
} from "@codemirror/view";
import { useEffect, useRef } from "react";
import type { DatabaseKind } from "../../../ipc/bindings";
import type { StatementSpan } from "../../../ipc/client";
import { lineCountOf, markerText, statementMarkers, type StatementMarker } from "./detail";
import { readOnlySql } from "../../../components/sql/editorSetup";

/**
 * Lines to shade and scroll to, and the statement they belong to (when one was picked);
 * `nonce` makes a repeated click scroll again.
 */
export type EditorFocus = { from: number; to: number; statement: number | null; nonce: number };

class StatementGutterMarker extends GutterMarker {
  /** `spacer`: sizes the gutter for two-digit numbers; never shown. */
  constructor(
    readonly indices: readonly number[],
    readonly spacer = false,
  ) {
    super();
  }

  override eq(other: GutterMarker): boolean {
    return other instanceof StatementGutterMarker && other.indices.join() === this.indices.join();
  }

  override toDOM(): Node {
    const el = document.createElement("span");
    el.className = "cm-statement-marker";
    el.textContent = markerText(this.indices);
    if (this.spacer) return el;
    el.title =
      this.indices.length === 1
        ? `Statement ${this.indices[0]} starts here`
        : `Statements ${this.indices.join(", ")} start here`;
    el.dataset.statements = this.indices.join(",");
    return el;
  }
}

function statementGutter(markers: readonly StatementMarker[]): Extension {
  const field = StateField.define<RangeSet<GutterMarker>>({
    create: (state) =>
      RangeSet.of(
        markers.map((m) => new StatementGutterMarker(m.indices).range(state.doc.line(m.line).from)),
      ),
    update: (set) => set,
  });
  return [
    field,
    gutter({
      class: "cm-statement-gutter",
      markers: (view) => view.state.field(field),
      initialSpacer: () => new StatementGutterMarker([88], true),
    }),
  ];
}

const setFocus = StateEffect.define<{ from: number; to: number } | null>();
const focusLine = Decoration.line({ class: "cm-statement-focus" });

const focusField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(decorations, tr) {
    for (const effect of tr.effects) {
      if (!effect.is(setFocus)) continue;
      if (effect.value === null) return Decoration.none;
      const { from, to } = effect.value;
      const lines = [];
      for (let n = from; n <= to; n++) lines.push(focusLine.range(tr.state.doc.line(n).from));
      return Decoration.set(lines);
    }
    return decorations;
  },
  provide: (field) => EditorView.decorations.from(field),
});

export function SqlEditor({
  doc,
  dialect,
  statements,
  label,
  focus,
}: {
  doc: string;
  dialect: DatabaseKind | null;
  statements: readonly StatementSpan[];
  label: string;
  focus: EditorFocus | null;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);

  useEffect(() => {
    const parent = host.current;
    if (!parent) return;
    const markers = statementMarkers(statements, lineCountOf(doc));
    const editor = new EditorView({
      parent,
      state: EditorState.create({
        doc,
        extensions: [lineNumbers(), statementGutter(markers), focusField, readOnlySql(dialect, label)],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, [doc, dialect, statements, label]);

  useEffect(() => {
    const editor = view.current;
    if (!editor || !focus) return;
    const lines = editor.state.doc.lines;
    const from = Math.min(Math.max(focus.from, 1), lines);
    const to = Math.min(Math.max(focus.to, from), lines);
    editor.dispatch({
      effects: [
        setFocus.of({ from, to }),
        EditorView.scrollIntoView(editor.state.doc.line(from).from, { y: "start", yMargin: 24 }),
      ],
    });
  }, [focus, doc, dialect, statements, label]);

  return <div ref={host} className="sql-editor" data-testid="sql-editor" />;
}
