/**
 * The connection form's fields, grouped as the sheet shows them: where (engine, host, port,
 * database, user, SQLite file), password and TLS (environment and protection are in
 * EnvironmentFields). Stateless: the sheet owns the draft; every change goes through
 * `onChange` with the field it touched.
 */
import { Field } from "../../components/Field";
import type { ConnectionProfile, DatabaseKind, EnvironmentTier, TlsSettings } from "../../ipc/bindings";
import { chooseFile, chooseSaveFile } from "../../platform/dialog";
import {
  DEFAULT_PORTS,
  ENGINES,
  PASSWORD_MODES,
  TLS_MODES,
  plaintextRisk,
  setHost,
  type Draft,
} from "./form";
import { PathInput } from "./PathInput";

export type FieldsProps = {
  draft: Draft;
  errors: Record<string, string>;
  /** A new draft and the error keys the change makes stale. */
  onChange: (draft: Draft, touched: string[]) => void;
  onEngine: (engine: DatabaseKind) => void;
  onTier: (tier: EnvironmentTier) => void;
  groups: readonly string[];
};

const CERT_FILTERS = [{ name: "Certificates and keys", extensions: ["pem", "crt", "cer", "key"] }];
const SQLITE_FILTERS = [{ name: "SQLite databases", extensions: ["sqlite", "sqlite3", "db"] }];

export function WhereFields({ draft, errors, onChange, onEngine }: FieldsProps) {
  const p = draft.profile;
  const set = (patch: Partial<ConnectionProfile>, touched: string) =>
    onChange({ ...draft, profile: { ...p, ...patch } }, [touched]);
  const sqlite = p.engine === "sqlite";
  return (
    <fieldset className="form-section">
      <legend className="form-section__title">Connection</legend>
      <Field label="Name" error={errors.name} errorTestId="conn-error-name">
        {(control) => (
          <input
            {...control}
            className="input"
            data-testid="conn-name"
            value={p.name}
            onChange={(e) => set({ name: e.target.value }, "name")}
            placeholder="e.g. shop production"
            autoComplete="off"
          />
        )}
      </Field>
      <Field label="Engine" error={errors.engine}>
        {(control) => (
          <select
            {...control}
            className="select"
            data-testid="conn-engine"
            value={p.engine}
            onChange={(e) => onEngine(e.target.value as DatabaseKind)}
          >
            {ENGINES.map((engine) => (
              <option key={engine.kind} value={engine.kind}>
                {engine.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {sqlite ? (
        <Field
          label="Database file"
          error={errors.sqlitePath}
          errorTestId="conn-error-sqlitePath"
          hint="An existing file, or a new one Strata creates on first connection."
        >
          {(control) => (
            <PathInput
              control={control}
              testId="conn-sqlite-path"
              value={p.sqlitePath ?? ""}
              placeholder="/path/to/app.sqlite3"
              onChange={(path) => set({ sqlitePath: path }, "sqlitePath")}
              choosers={[
                {
                  label: "Choose…",
                  testId: "conn-sqlite-choose",
                  choose: () => chooseFile({ title: "Choose the SQLite database file", filters: SQLITE_FILTERS }),
                },
                {
                  label: "New file…",
                  testId: "conn-sqlite-new",
                  choose: () =>
                    chooseSaveFile({
                      title: "Where should the new SQLite database go?",
                      filters: SQLITE_FILTERS,
                      defaultPath: "database.sqlite3",
                    }),
                },
              ]}
            />
          )}
        </Field>
      ) : (
        <>
          <div className="form-row form-row--host">
            <Field
              label="Host"
              error={errors.host}
              errorTestId="conn-error-host"
              hint={p.engine === "postgres" ? "A host name, an IP address or a Unix socket folder." : undefined}
            >
              {(control) => (
                <input
                  {...control}
                  className="input"
                  data-testid="conn-host"
                  value={p.host ?? ""}
                  placeholder="localhost"
                  spellCheck={false}
                  autoComplete="off"
                  onChange={(e) => onChange(setHost(draft, e.target.value), ["host"])}
                />
              )}
            </Field>
            <Field label="Port" error={errors.port} errorTestId="conn-error-port">
              {(control) => (
                <input
                  {...control}
                  className="input"
                  data-testid="conn-port"
                  inputMode="numeric"
                  value={draft.port}
                  placeholder={String(DEFAULT_PORTS[p.engine] ?? "")}
                  autoComplete="off"
                  onChange={(e) => onChange({ ...draft, port: e.target.value }, ["port"])}
                />
              )}
            </Field>
          </div>
          <div className="form-row">
            <Field label="Database" error={errors.database} errorTestId="conn-error-database">
              {(control) => (
                <input
                  {...control}
                  className="input"
                  data-testid="conn-database"
                  value={p.database ?? ""}
                  spellCheck={false}
                  autoComplete="off"
                  onChange={(e) => set({ database: e.target.value }, "database")}
                />
              )}
            </Field>
            <Field label="User" error={errors.user} errorTestId="conn-error-user">
              {(control) => (
                <input
                  {...control}
                  className="input"
                  data-testid="conn-user"
                  value={p.user ?? ""}
                  spellCheck={false}
                  autoComplete="off"
                  onChange={(e) => set({ user: e.target.value }, "user")}
                />
              )}
            </Field>
          </div>
          {(p.options ?? []).length > 0 && (
            <Field
              label="Extra URL parameters"
              error={errors.options}
              hint="From the pasted URL; paste another URL to change them."
            >
              {(control) => (
                <output {...control} className="facts__mono" data-testid="conn-options">
                  {(p.options ?? []).map(([k, v]) => `${k}=${v}`).join("  ")}
                </output>
              )}
            </Field>
          )}
        </>
      )}
    </fieldset>
  );
}

export function PasswordFields({ draft, errors, onChange }: FieldsProps) {
  const p = draft.profile;
  if (p.engine === "sqlite") return null;
  const mode = p.password;
  const fromUrl = draft.urlWithPassword !== null && draft.password === "";
  let hint: string;
  if (fromUrl) {
    hint =
      mode === "askEachTime"
        ? "Password from the URL will be kept for this session only."
        : "Password from the URL will be saved in the keychain.";
  } else if (mode === "askEachTime") {
    hint = "Optional now: kept in memory until Strata quits, never written to disk.";
  } else if (draft.saved) {
    hint = "Leave empty to keep the saved password.";
  } else {
    hint = "Saved in the OS keychain, never in Strata's files.";
  }
  return (
    <fieldset className="form-section">
      <legend className="form-section__title">Password</legend>
      <div className="radio-row" role="radiogroup" aria-label="Where the password comes from">
        {PASSWORD_MODES.map((m) => (
          <label key={m.mode} className="check" title={m.hint}>
            <input
              type="radio"
              name="password-mode"
              value={m.mode}
              data-testid={`conn-password-mode-${m.mode}`}
              checked={mode === m.mode}
              onChange={() => onChange({ ...draft, profile: { ...p, password: m.mode } }, ["password"])}
            />
            <span>
              {m.label}
              <span className="check__hint">{m.hint}</span>
            </span>
          </label>
        ))}
      </div>
      {mode !== "none" && (
        <Field label="Password" error={errors.password} hint={hint}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="password"
              data-testid="conn-password"
              value={draft.password}
              autoComplete="new-password"
              placeholder={draft.saved || fromUrl ? "unchanged" : ""}
              onChange={(e) => onChange({ ...draft, password: e.target.value }, ["password"])}
            />
          )}
        </Field>
      )}
    </fieldset>
  );
}

export function TlsFields({ draft, errors, onChange }: FieldsProps) {
  const p = draft.profile;
  if (p.engine === "sqlite") return null;
  const tls: TlsSettings = p.tls ?? { mode: "verify-full" };
  const setTls = (patch: Partial<TlsSettings>, touched: string) =>
    onChange({ ...draft, profile: { ...p, tls: { ...tls, ...patch } } }, [touched]);
  const selected = TLS_MODES.find((m) => m.mode === tls.mode);
  const risk = plaintextRisk(p);
  const certFile = (key: "caFile" | "clientCert" | "clientKey", label: string, title: string) => (
    <Field label={label} error={errors[`tls.${key}`]} errorTestId={`conn-error-tls.${key}`}>
      {(control) => (
        <PathInput
          control={control}
          testId={`conn-tls-${key}`}
          value={tls[key] ?? ""}
          placeholder="none"
          onChange={(path) => setTls({ [key]: path }, `tls.${key}`)}
          choosers={[
            {
              label: "Choose…",
              testId: `conn-tls-${key}-choose`,
              choose: () => chooseFile({ title, filters: CERT_FILTERS }),
            },
          ]}
        />
      )}
    </Field>
  );
  return (
    <fieldset className="form-section">
      <legend className="form-section__title">Encryption (TLS)</legend>
      <Field
        label="TLS mode"
        error={errors["tls.mode"] ?? errors.tls}
        hint={selected?.explanation}
        warning={
          risk
            ? `Traffic to ${(p.host ?? "").trim()} may cross the network unencrypted, ` +
              "password included. Choose require or verify-full for a remote server."
            : undefined
        }
      >
        {(control) => (
          <select
            {...control}
            className="select"
            data-testid="conn-tls-mode"
            value={tls.mode}
            onChange={(e) => {
              const next = { ...draft, tlsTouched: true };
              onChange(
                { ...next, profile: { ...p, tls: { ...tls, mode: e.target.value as TlsSettings["mode"] } } },
                ["tls.mode"],
              );
            }}
          >
            {TLS_MODES.map((m) => (
              <option key={m.mode} value={m.mode}>
                {m.label} — {m.explanation}
              </option>
            ))}
          </select>
        )}
      </Field>
      {certFile("caFile", "CA certificate", "Choose the CA certificate (PEM)")}
      <div className="form-row">
        {certFile("clientCert", "Client certificate", "Choose the client certificate (PEM)")}
        {certFile("clientKey", "Client key", "Choose the client key (PEM)")}
      </div>
    </fieldset>
  );
}
