/**
 * The CodeMirror extensions every SQL view of the detail pane shares: read-only (text can be
 * selected and copied, never edited), SQL highlighting in the dialect of the target the
 * engine split it for, and a theme made only of the app's CSS variables, so light and dark
 * follow `<html data-theme>` with no re-configuration.
 */
import { HighlightStyle, LanguageSupport, syntaxHighlighting } from "@codemirror/language";
import { MySQL, PostgreSQL, SQLite, StandardSQL, type SQLDialect } from "@codemirror/lang-sql";
import { EditorState, type Extension } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import type { DatabaseKind } from "../../ipc/bindings";

const DIALECTS: Record<DatabaseKind, SQLDialect> = {
  postgres: PostgreSQL,
  mysql: MySQL,
  sqlite: SQLite,
};

/** Highlighting only: the dialect's parser, without `sql()`'s completion sources. */
export function sqlLanguage(kind: DatabaseKind | null): Extension {
  const dialect = kind === null ? StandardSQL : DIALECTS[kind];
  return new LanguageSupport(dialect.language);
}

// Token colours reuse the tone foregrounds: they meet WCAG AA on every surface in both themes.
const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.operatorKeyword, tags.modifier], color: "var(--tone-accent-fg)", fontWeight: "600" },
  { tag: [tags.typeName, tags.standard(tags.name)], color: "var(--tone-info-fg)" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--tone-success-fg)" },
  { tag: [tags.number, tags.bool, tags.null], color: "var(--tone-warning-fg)" },
  { tag: [tags.lineComment, tags.blockComment, tags.comment], color: "var(--text-muted)", fontStyle: "italic" },
  { tag: [tags.special(tags.name), tags.quote], color: "var(--tone-danger-fg)" },
]);

const theme = EditorView.theme({
  "&": {
    color: "var(--text)",
    backgroundColor: "var(--surface)",
    fontSize: "12.5px",
    height: "100%",
  },
  "&.cm-focused": { outline: "2px solid var(--focus)", outlineOffset: "-2px" },
  ".cm-scroller": { fontFamily: "var(--font-mono)", lineHeight: "1.55", overflow: "auto" },
  ".cm-content": { caretColor: "var(--text)" },
  ".cm-gutters": {
    backgroundColor: "var(--surface-alt)",
    color: "var(--text-muted)",
    borderRight: "1px solid var(--border-subtle)",
  },
  ".cm-selectionBackground, &.cm-focused .cm-selectionBackground, ::selection": {
    backgroundColor: "var(--selected)",
  },
  ".cm-statement-gutter .cm-gutterElement": { padding: "0 4px 0 6px", minWidth: "22px" },
  ".cm-statement-marker": {
    display: "inline-block",
    padding: "0 5px",
    borderRadius: "999px",
    fontSize: "10.5px",
    lineHeight: "16px",
    fontWeight: "600",
    backgroundColor: "var(--tone-accent-bg)",
    color: "var(--tone-accent-fg)",
    border: "1px solid var(--tone-accent-border)",
  },
  ".cm-statement-focus": { backgroundColor: "var(--tone-accent-bg)" },
  ".cm-collapsedLines": {
    background: "var(--surface-sunken)",
    color: "var(--text-muted)",
    fontFamily: "var(--font-sans)",
    fontSize: "12px",
    // The default "⦚" glyph is missing from many Linux fonts.
    "&:before": { content: '"↕"', marginInlineEnd: "6px" },
    "&:after": { content: "none" },
  },
  ".cm-changedLine": { backgroundColor: "var(--tone-warning-bg)" },
  ".cm-deletedChunk": { backgroundColor: "var(--tone-danger-bg)" },
  "&.cm-merge-a .cm-changedLine": { backgroundColor: "var(--tone-danger-bg)" },
  "&.cm-merge-b .cm-changedLine": { backgroundColor: "var(--tone-success-bg)" },
  "&.cm-merge-a .cm-changedText": { backgroundColor: "var(--tone-danger-border)", background: "var(--tone-danger-border)" },
  "&.cm-merge-b .cm-changedText": { backgroundColor: "var(--tone-success-border)", background: "var(--tone-success-border)" },
  ".cm-changeGutter": { width: "3px" },
  "&.cm-merge-a .cm-changedLineGutter": { backgroundColor: "var(--tone-danger-fg)" },
  "&.cm-merge-b .cm-changedLineGutter": { backgroundColor: "var(--tone-success-fg)" },
});

/**
 * The nonce the app's content security policy gave the page's own `<style>` element
 * (`#strata-style-nonce` in index.html; the desktop shell puts a fresh nonce on it and in
 * `style-src`). CodeMirror writes its styles into a `<style>` element at run time, which the
 * policy (`style-src 'self'`, no inline styles) refuses unless it carries that nonce.
 */
export function styleNonce(): string {
  const carrier = document.getElementById("strata-style-nonce");
  return carrier instanceof HTMLStyleElement ? carrier.nonce ?? "" : "";
}

/** Read-only SQL in `kind`'s dialect, labelled for assistive technology. */
export function readOnlySql(kind: DatabaseKind | null, label: string): Extension[] {
  return [
    EditorView.cspNonce.of(styleNonce()),
    EditorState.readOnly.of(true),
    EditorView.contentAttributes.of({ "aria-label": label, "aria-readonly": "true" }),
    EditorState.tabSize.of(4),
    sqlLanguage(kind),
    syntaxHighlighting(highlight),
    theme,
  ];
}
