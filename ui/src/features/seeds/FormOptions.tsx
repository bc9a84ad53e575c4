/** The form's environment, seed value and mode; sync carries a plain warning. */
import { Field } from "../../components/Field";
import type { Environment } from "../../ipc/client";
import { ENVIRONMENTS, MODES, type FormState } from "./form";

export function FormOptions({
  form,
  errors,
  disabled,
  onChange,
}: {
  form: FormState;
  errors: Record<string, string>;
  disabled: boolean;
  onChange: (change: Partial<FormState>) => void;
}) {
  return (
    <div className="seeds-options">
      <div className="seeds-row">
        <Field label="Environment" hint="Only datasets marked for it are offered.">
          {(props) => (
            <select
              {...props}
              className="select"
              data-testid="seeds-environment"
              value={form.environment}
              disabled={disabled}
              onChange={(e) => onChange({ environment: e.target.value as Environment })}
            >
              {ENVIRONMENTS.map((env) => (
                <option key={env} value={env}>
                  {env}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Seed value" hint="The same value gives the same generated rows." error={errors.seed}>
          {(props) => (
            <input
              {...props}
              className="input input--mono seeds-seed"
              data-testid="seeds-seed"
              inputMode="numeric"
              value={form.seed}
              disabled={disabled}
              onChange={(e) => onChange({ seed: e.target.value })}
            />
          )}
        </Field>
      </div>
      <fieldset className="seeds-fieldset" disabled={disabled}>
        <legend className="seeds-label">Mode</legend>
        <div className="seeds-modes" role="radiogroup" aria-label="Mode">
          {MODES.map((m) => (
            <label key={m.mode} className="check seeds-mode">
              <input
                type="radio"
                name="seed-mode"
                data-testid={`seeds-mode-${m.mode}`}
                checked={form.mode === m.mode}
                onChange={() => onChange({ mode: m.mode })}
              />
              <span>
                {m.label}
                <span className="check__hint">{m.hint}</span>
              </span>
            </label>
          ))}
        </div>
        {form.mode === "sync" && (
          <div className="notice notice--warning" role="note" data-testid="seeds-sync-warning">
            <p className="notice__title">Sync deletes rows</p>
            <p>
              In tables of owned reference datasets, rows the files no longer have are deleted, including rows
              someone added by hand. Other datasets are upserted.
            </p>
          </div>
        )}
      </fieldset>
    </div>
  );
}
