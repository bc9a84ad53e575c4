/**
 * The connection form's environment and protection fields: tier (production shows red with
 * its name), colour, group, project folder, read-only and confirm-by-name. Stateless, like
 * the rest of the form's fields.
 */
import { Field } from "../../components/Field";
import { TierBadge } from "../../components/TierBadge";
import type { ConnectionProfile, EnvironmentTier } from "../../ipc/bindings";
import { tierLabel } from "../../lib/format";
import { chooseFolder } from "../../platform/dialog";
import type { FieldsProps } from "./ConnectionFields";
import { TIERS } from "./form";
import { PathInput } from "./PathInput";

export function EnvironmentFields({ draft, errors, onChange, onTier, groups }: FieldsProps) {
  const p = draft.profile;
  const set = (patch: Partial<ConnectionProfile>, touched: string) =>
    onChange({ ...draft, profile: { ...p, ...patch } }, [touched]);
  const production = p.tier === "production";
  const colour = p.colour ?? "";
  const validColour = /^#[0-9a-fA-F]{6}$/.test(colour);
  return (
    <fieldset className="form-section">
      <legend className="form-section__title">Environment</legend>
      <div className="form-row">
        <Field label="Tier" error={errors.tier}>
          {(control) => (
            <div className="input-row">
              <select
                {...control}
                className="select"
                data-testid="conn-tier"
                value={p.tier}
                onChange={(e) => onTier(e.target.value as EnvironmentTier)}
              >
                {TIERS.map((tier) => (
                  <option key={tier} value={tier}>
                    {tierLabel(tier)}
                  </option>
                ))}
              </select>
              <span data-testid="conn-tier-badge" className="form-tier-badge">
                <TierBadge tier={p.tier} />
              </span>
            </div>
          )}
        </Field>
        <Field
          label="Colour"
          error={errors.colour}
          errorTestId="conn-error-colour"
          hint={production ? "Production is always red." : "Empty: the tier's colour."}
        >
          {(control) => (
            <div className="input-row">
              <input
                {...control}
                className="input input--mono"
                data-testid="conn-colour"
                value={production ? "" : colour}
                placeholder="#rrggbb"
                disabled={production}
                onChange={(e) => set({ colour: e.target.value }, "colour")}
              />
              <input
                type="color"
                className="colour-picker"
                aria-label="Pick a colour"
                disabled={production}
                value={validColour ? colour : "#888888"}
                onChange={(e) => set({ colour: e.target.value }, "colour")}
              />
            </div>
          )}
        </Field>
      </div>
      <Field
        label="Group"
        error={errors.group}
        errorTestId="conn-error-group"
        hint="Connections with the same group are listed together."
      >
        {(control) => (
          <>
            <input
              {...control}
              className="input"
              data-testid="conn-group"
              list="conn-group-names"
              value={p.group ?? ""}
              autoComplete="off"
              onChange={(e) => set({ group: e.target.value }, "group")}
            />
            <datalist id="conn-group-names">
              {groups.map((g) => (
                <option key={g} value={g} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      <Field
        label="Project folder"
        error={errors.projectDir}
        errorTestId="conn-error-projectDir"
        hint="The folder with this database's migrations/ (else the group's)."
      >
        {(control) => (
          <PathInput
            control={control}
            testId="conn-project-dir"
            value={p.projectDir ?? ""}
            placeholder="none"
            onChange={(path) => set({ projectDir: path }, "projectDir")}
            choosers={[
              {
                label: "Choose…",
                testId: "conn-project-dir-choose",
                choose: () => chooseFolder({ title: "Choose the project folder" }),
              },
            ]}
          />
        )}
      </Field>
    </fieldset>
  );
}

export function ProtectionFields({ draft, onChange }: FieldsProps) {
  const p = draft.profile;
  const set = (patch: Partial<ConnectionProfile["protection"]>) =>
    onChange({ ...draft, profile: { ...p, protection: { ...p.protection, ...patch } } }, ["protection"]);
  const what = p.engine === "sqlite" ? "file name" : "database name";
  return (
    <fieldset className="form-section">
      <legend className="form-section__title">Protection</legend>
      <label className="check">
        <input
          type="checkbox"
          data-testid="conn-read-only"
          checked={p.protection.readOnly}
          onChange={(e) => set({ readOnly: e.target.checked })}
        />
        <span>
          Read-only
          <span className="check__hint">Every write is refused until you unlock it for the session.</span>
        </span>
      </label>
      <label className="check">
        <input
          type="checkbox"
          data-testid="conn-confirm-by-name"
          checked={p.protection.confirmByName}
          onChange={(e) => set({ confirmByName: e.target.checked })}
        />
        <span>
          Confirm by typing the {what}
          <span className="check__hint">Applying anything asks you to type it exactly.</span>
        </span>
      </label>
      {p.tier === "production" && (
        <p className="field__hint">Production connections start with both protections on.</p>
      )}
    </fieldset>
  );
}
