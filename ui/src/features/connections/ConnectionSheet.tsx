/**
 * Create or edit a connection in a side sheet. A pasted URL fills the fields (its password
 * stays out of the form and is sent back only on save); backend rejections land under the
 * field they name; a keychain failure offers to ask for the password each session instead.
 */
import { useId, useRef, useState, type ClipboardEvent } from "react";
import { Button } from "../../components/Button";
import { Field } from "../../components/Field";
import { Sheet } from "../../components/Sheet";
import type { ConnectionRow, DatabaseKind, EnvironmentTier } from "../../ipc/bindings";
import { ipc, toIpcFailure } from "../../ipc/client";
import {
  PasswordFields,
  TlsFields,
  WhereFields,
  type FieldsProps,
} from "./ConnectionFields";
import { EnvironmentFields, ProtectionFields } from "./EnvironmentFields";
import {
  applyParsedUrl,
  draftFromProfile,
  errorsByField,
  parsePort,
  passwordInput,
  profileToSave,
  setEngine,
  setTier,
  type Draft,
} from "./form";
import { DiagnosisView } from "./DiagnosisView";
import { useSaveConnection, useTestDraft } from "./useConnectionActions";

/** Fields the form shows; a rejection of any other is listed at the top of the form. */
const PLACED = new Set([
  "name", "engine", "host", "port", "database", "user", "sqlitePath", "options", "password",
  "tls", "tls.mode", "tls.caFile", "tls.clientCert", "tls.clientKey",
  "tier", "colour", "group", "projectDir",
]);

type Failure = { kind: "keychain" | "other" | "test"; message: string; code: string };

export function ConnectionSheet({
  initial,
  onClose,
  onSaved,
  groups,
}: {
  initial: { profile: ConnectionRow["profile"]; saved: boolean };
  onClose: () => void;
  onSaved: (row: ConnectionRow) => void;
  groups: readonly string[];
}) {
  const [draft, setDraft] = useState<Draft>(() => draftFromProfile(initial.profile, initial.saved));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [url, setUrl] = useState("");
  const [urlError, setUrlError] = useState<string | undefined>();
  const [parsing, setParsing] = useState(false);
  const urlRef = useRef<HTMLInputElement>(null);
  const formId = useId();
  const save = useSaveConnection();
  const tester = useTestDraft();

  function change(next: Draft, touched: string[]) {
    setDraft(next);
    setErrors((old) => {
      if (!touched.some((k) => k in old)) return old;
      const copy = { ...old };
      for (const k of touched) delete copy[k];
      return copy;
    });
  }

  async function parseUrl(text: string) {
    if (!text.trim()) return;
    setParsing(true);
    setUrlError(undefined);
    try {
      const parsed = await ipc.parseConnectionUrl(text);
      setDraft((d) => applyParsedUrl(d, parsed.profile, text, parsed.hasPassword));
      setErrors({});
      // The URL may hold a password: it never stays on screen.
      setUrl("");
    } catch (thrown) {
      const f = toIpcFailure(thrown);
      const fields = f.fields.map((e) => (e.field === "url" ? e.message : `${e.field}: ${e.message}`));
      setUrlError(fields.length > 0 ? fields.join("; ") : f.message);
    } finally {
      setParsing(false);
    }
  }

  function onPaste(event: ClipboardEvent<HTMLInputElement>) {
    const text = event.clipboardData.getData("text/plain") || event.clipboardData.getData("text");
    if (!text) return;
    event.preventDefault();
    void parseUrl(text);
  }

  /** Engine and tier changes take the backend's defaults for the new choice. */
  async function withDefaults(
    engine: DatabaseKind,
    tier: EnvironmentTier,
    apply: (d: Draft, fresh: Draft["profile"]) => Draft,
  ) {
    try {
      const fresh = await ipc.newConnection(engine, tier);
      setDraft((d) => apply(d, fresh));
    } catch (thrown) {
      const f = toIpcFailure(thrown);
      setFailure({ kind: "other", message: f.message, code: f.code });
    }
  }

  const onEngine = (engine: DatabaseKind) => {
    setErrors({});
    return withDefaults(engine, draft.profile.tier, setEngine);
  };
  const onTier = (tier: EnvironmentTier) => withDefaults(draft.profile.engine, tier, setTier);

  async function submit(d: Draft) {
    setFailure(null);
    const port = parsePort(d.port);
    if ("error" in port) {
      setErrors({ port: port.error });
      return;
    }
    try {
      const row = await save.mutateAsync({ profile: profileToSave(d, port.port), password: passwordInput(d) });
      onSaved(row);
    } catch (thrown) {
      const f = toIpcFailure(thrown);
      setErrors(errorsByField(f.fields));
      if (f.code === "keychain") {
        setFailure({ kind: "keychain", message: f.message, code: f.code });
      } else if (f.fields.length === 0 || f.fields.some((e) => !PLACED.has(e.field))) {
        const unplaced = f.fields.filter((e) => !PLACED.has(e.field));
        const message =
          unplaced.length > 0 ? unplaced.map((e) => `${e.field}: ${e.message}`).join("; ") : f.message;
        setFailure({ kind: "other", message, code: f.code });
      }
    }
  }

  /** Test the form's values as they would be saved (the typed or pasted password, else the saved one). */
  function testDraft() {
    setFailure(null);
    const port = parsePort(draft.port);
    if ("error" in port) {
      setErrors({ port: port.error });
      return;
    }
    tester.mutate(
      { profile: profileToSave(draft, port.port), password: passwordInput(draft) },
      {
        onError: (thrown) => {
          const f = toIpcFailure(thrown);
          setErrors(errorsByField(f.fields));
          const unplaced = f.fields.filter((e) => !PLACED.has(e.field));
          if (f.fields.length === 0 || unplaced.length > 0) {
            const message =
              unplaced.length > 0 ? unplaced.map((e) => `${e.field}: ${e.message}`).join("; ") : f.message;
            setFailure({ kind: "test", message, code: f.code });
          }
        },
      },
    );
  }

  function askEachSession() {
    const next = { ...draft, profile: { ...draft.profile, password: "askEachTime" as const } };
    setDraft(next);
    void submit(next);
  }

  const props: FieldsProps = {
    draft,
    errors,
    onChange: change,
    onEngine: (e) => void onEngine(e),
    onTier: (t) => void onTier(t),
    groups,
  };
  const title = draft.saved ? `Edit ${initial.profile.name}` : "New connection";

  return (
    <Sheet
      title={title}
      description={draft.saved ? undefined : "Paste a URL or fill in the fields."}
      onClose={onClose}
      initialFocus={urlRef}
      testId="conn-sheet"
      footer={
        <>
          <Button data-testid="conn-test-draft" disabled={tester.isPending} onClick={testDraft}>
            {tester.isPending ? "Testing…" : "Test"}
          </Button>
          <span className="sheet__spacer" />
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form={formId} data-testid="conn-save" disabled={save.isPending}>
            {save.isPending ? "Saving…" : draft.saved ? "Save changes" : "Save connection"}
          </Button>
        </>
      }
    >
      <form
        id={formId}
        className="conn-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit(draft);
        }}
      >
        <Field
          label="Paste a URL"
          error={urlError}
          errorTestId="conn-error-url"
          hint={
            parsing
              ? "Reading the URL…"
              : "postgres://user:password@host:5432/db, mysql://…, sqlite:///path/file.db " +
                "— fills the fields below."
          }
        >
          {(control) => (
            <input
              {...control}
              ref={urlRef}
              className="input input--mono"
              data-testid="conn-url"
              value={url}
              spellCheck={false}
              autoComplete="off"
              placeholder="Paste a connection URL"
              onChange={(e) => setUrl(e.target.value)}
              onPaste={onPaste}
              onKeyDown={(e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  void parseUrl(url);
                }
              }}
            />
          )}
        </Field>

        {failure !== null && (
          <div className="notice notice--danger" role="alert" data-testid="conn-save-error">
            <p className="notice__title">
              {failure.kind === "keychain"
                ? "The password could not be saved"
                : failure.kind === "test"
                  ? "The connection could not be tested"
                  : "The connection was not saved"}
            </p>
            <p>{failure.message}</p>
            {failure.kind === "keychain" && (
              <Button data-testid="conn-ask-each-session" onClick={askEachSession} disabled={save.isPending}>
                Ask for the password each session instead
              </Button>
            )}
          </div>
        )}

        {tester.isPending && <p className="muted" role="status">Testing the connection…</p>}
        {tester.isSuccess && !tester.isPending && <DiagnosisView diagnosis={tester.data.diagnosis} />}

        <WhereFields {...props} />
        <PasswordFields {...props} />
        <TlsFields {...props} />
        <EnvironmentFields {...props} />
        <ProtectionFields {...props} />
      </form>
    </Sheet>
  );
}
