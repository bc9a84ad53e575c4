/**
 * A target's guards as the run view and the admin dialogs show them: a read-only target
 * offers nothing to run (it is unlocked on the Connections screen), and a target that asks
 * for its name is ready only when the typed text matches it exactly. The backend checks the
 * same again: this only spares the user a refusal.
 */
import { Field } from "../../../components/Field";
import { Icon } from "../../../components/Icon";
import type { TimelineTarget } from "../../../ipc/client";

/** Whether `typed` satisfies the target's guards (read-only never does). */
export function confirmationReady(target: TimelineTarget, typed: string): boolean {
  if (target.protection.readOnly) return false;
  const name = target.protection.confirmName;
  return name === null || typed === name;
}

/** What to send as `confirmation`: the typed name for a target that asks for it. */
export function confirmationValue(target: TimelineTarget, typed: string): string | null {
  return target.protection.confirmName === null ? null : typed;
}

export function ReadOnlyNotice({ target }: { target: TimelineTarget }) {
  return (
    <div className="notice notice--warning" role="note" data-testid="run-read-only">
      <p className="notice__title">
        <Icon name="lock" size={14} /> {target.label} is read-only
      </p>
      <p>
        Strata refuses every write to it until it is unlocked for this session. Unlock it on
        the Connections screen, then come back.
      </p>
    </div>
  );
}

export function ConfirmNameField({
  target,
  value,
  onChange,
  testId,
}: {
  target: TimelineTarget;
  value: string;
  onChange: (value: string) => void;
  testId: string;
}) {
  const name = target.protection.confirmName;
  if (name === null) return null;
  const mismatch = value.length > 0 && value !== name;
  return (
    <Field
      label={
        <>
          Type <code className="run-confirm-name">{name}</code> to confirm
        </>
      }
      hint={`${target.label} asks for its database name before anything is written to it.`}
      error={mismatch ? "This is not the name: type it exactly, same case." : undefined}
    >
      {(props) => (
        <input
          {...props}
          className="input input--mono"
          data-testid={testId}
          value={value}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}
