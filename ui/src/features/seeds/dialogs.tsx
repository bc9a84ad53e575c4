/** The Seeds screen's dialogs: the typed confirmation, Save as profile, generated passwords. */
import { useRef, useState } from "react";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { TierBadge } from "../../components/TierBadge";
import type { Environment, GeneratedPasswordView, TimelineTarget } from "../../ipc/client";
import { profileNameError } from "./form";

export function ConfirmRunDialog({
  target,
  environment,
  word,
  onConfirm,
  onClose,
}: {
  target: TimelineTarget;
  environment: Environment;
  word: string;
  onConfirm: (typed: string) => void;
  onClose: () => void;
}) {
  const [typed, setTyped] = useState("");
  const input = useRef<HTMLInputElement>(null);
  const ready = typed === word;
  return (
    <Dialog
      title={`Seed ${environment} on ${target.label}?`}
      alert
      onClose={onClose}
      initialFocus={input}
      testId="seeds-confirm-dialog"
      actions={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" disabled={!ready} data-testid="seeds-confirm-run" onClick={() => onConfirm(typed)}>
            Seed {target.label}
          </Button>
        </>
      }
    >
      <p>
        <TierBadge tier={target.tier} /> {target.location}
      </p>
      <p>
        Rows will be written to this database. Strata asks you to type the word below first; it checks
        it again before anything connects.
      </p>
      <Field
        label={
          <>
            Type <code className="seeds-code">{word}</code> to confirm
          </>
        }
        error={typed.length > 0 && !ready ? "Not yet: type it exactly, same case." : undefined}
      >
        {(props) => (
          <input
            {...props}
            ref={input}
            className="input input--mono"
            data-testid="seeds-confirm-input"
            value={typed}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setTyped(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && ready) onConfirm(typed);
            }}
          />
        )}
      </Field>
    </Dialog>
  );
}

export function SaveProfileDialog({
  existing,
  saving,
  error,
  onSave,
  onClose,
}: {
  existing: readonly string[];
  saving: boolean;
  error: string | null;
  onSave: (name: string, replace: boolean) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState("");
  const input = useRef<HTMLInputElement>(null);
  const problem = name === "" ? undefined : profileNameError(name, existing);
  const replacing = existing.includes(name);
  const submit = () => {
    if (name !== "" && problem === undefined && !saving) onSave(name, replacing);
  };
  return (
    <Dialog
      title="Save the form as a profile"
      onClose={onClose}
      initialFocus={input}
      testId="seeds-save-dialog"
      actions={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="primary"
            data-testid="seeds-save-confirm"
            disabled={name === "" || problem !== undefined || saving}
            onClick={submit}
          >
            {saving ? "Saving…" : replacing ? `Replace ${name}` : "Save profile"}
          </Button>
        </>
      }
    >
      <p>
        The environment, datasets, mode, seed value and row counts go into the project’s strata.toml as{" "}
        <code className="seeds-code">[seeds.profiles.{name === "" ? "name" : name}]</code>, next to what is there.
      </p>
      <Field
        label="Profile name"
        hint="Lowercase letters, digits, '-' and '_'. The CLI takes it as --profile NAME."
        error={problem ?? error ?? undefined}
        warning={replacing ? `A profile named ${name} exists: saving replaces it.` : undefined}
      >
        {(props) => (
          <input
            {...props}
            ref={input}
            className="input input--mono"
            data-testid="seeds-save-name"
            value={name}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") submit();
            }}
          />
        )}
      </Field>
    </Dialog>
  );
}

/** The passwords a run generated: masked until revealed, one at a time; copied on request. */
export function PasswordsDialog({ passwords, onClose }: { passwords: GeneratedPasswordView[]; onClose: () => void }) {
  const [shown, setShown] = useState<number | null>(null);
  const [copied, setCopied] = useState<number | null>(null);
  return (
    <Dialog
      title="Generated passwords (shown once)"
      onClose={onClose}
      testId="seeds-passwords"
      actions={
        <Button variant="primary" onClick={onClose}>
          I have saved them
        </Button>
      }
    >
      <p>
        The run stored only their argon2id hashes. Copy each now: Strata cannot show them again once this
        dialog is closed.
      </p>
      <ul className="seeds-passwords">
        {passwords.map((p, i) => (
          <li key={`${p.dataset}-${p.row}-${p.column}`} className="seeds-passwords__row">
            <span className="seeds-passwords__who">
              {p.key} <span className="seeds-muted">({p.dataset}, {p.column})</span>
            </span>
            <code className="seeds-code" data-testid="seeds-password-value">
              {shown === i ? p.password : "••••••••••••••••••••"}
            </code>
            <Button size="sm" aria-pressed={shown === i} onClick={() => setShown(shown === i ? null : i)}>
              {shown === i ? "Hide" : "Reveal"}
            </Button>
            <Button
              size="sm"
              onClick={() => {
                void navigator.clipboard.writeText(p.password).then(() => setCopied(i));
              }}
            >
              {copied === i ? "Copied" : "Copy"}
            </Button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}

export function DeleteProfileDialog({
  name,
  deleting,
  error,
  onDelete,
  onClose,
}: {
  name: string;
  deleting: boolean;
  error: string | null;
  onDelete: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog
      title={`Delete the profile ${name}?`}
      alert
      onClose={onClose}
      testId="seeds-delete-dialog"
      actions={
        <>
          <Button onClick={onClose}>Keep it</Button>
          <Button variant="primary" data-testid="seeds-delete-confirm" disabled={deleting} onClick={onDelete}>
            {deleting ? "Deleting…" : `Delete ${name}`}
          </Button>
        </>
      }
    >
      <p>
        Its <code className="seeds-code">[seeds.profiles.{name}]</code> table is removed from strata.toml; the rest
        of the file stays as it is. The form keeps its current values.
      </p>
      {error !== null && (
        <p className="field__error" role="alert">
          ⚠ {error}
        </p>
      )}
    </Dialog>
  );
}
