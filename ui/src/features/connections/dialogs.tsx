/**
 * The Connections screen's small dialogs: delete (names the connection and its keychain
 * password), unlock production for the session, give an "ask each session" password, a
 * connection test's result. Each
 * runs its mutation and shows the backend's message if it fails; none closes on failure.
 */
import { useRef, useState } from "react";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { LoadingState } from "../../components/LoadingState";
import type { ConnectionRow, ConnectionTest } from "../../ipc/bindings";
import { describeError } from "../../ipc/client";
import { DiagnosisView } from "./DiagnosisView";
import { useDeleteConnection, useProvideSessionPassword, useSetLocked } from "./useConnectionActions";

function MutationError({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  return (
    <p className="notice notice--danger" role="alert">
      {describeError(error).message}
    </p>
  );
}

export function DeleteDialog({ row, onClose }: { row: ConnectionRow; onClose: () => void }) {
  const del = useDeleteConnection();
  const cancel = useRef<HTMLButtonElement>(null);
  const { name, password } = row.profile;
  return (
    <Dialog
      title={`Delete “${name}”?`}
      alert
      onClose={onClose}
      initialFocus={cancel}
      testId="conn-delete-dialog"
      actions={
        <>
          <Button ref={cancel} onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant="primary"
            className="btn--danger"
            data-testid="conn-delete-confirm"
            disabled={del.isPending}
            onClick={() => del.mutate(row.profile.id, { onSuccess: onClose })}
          >
            {del.isPending ? "Deleting…" : "Delete connection"}
          </Button>
        </>
      }
    >
      <p>
        The connection “{name}” is removed from Strata.
        {password === "keychain" && " Its password is removed from the OS keychain too."}
      </p>
      <p className="muted">The database itself is not touched.</p>
      <MutationError error={del.error} />
    </Dialog>
  );
}

export function UnlockDialog({ row, onClose }: { row: ConnectionRow; onClose: () => void }) {
  const setLocked = useSetLocked();
  const cancel = useRef<HTMLButtonElement>(null);
  return (
    <Dialog
      title={`Unlock production “${row.profile.name}”?`}
      alert
      onClose={onClose}
      initialFocus={cancel}
      testId="conn-unlock-dialog"
      actions={
        <>
          <Button ref={cancel} onClick={onClose}>
            Keep read-only
          </Button>
          <Button
            variant="primary"
            className="btn--danger"
            data-testid="conn-unlock-confirm"
            disabled={setLocked.isPending}
            onClick={() => setLocked.mutate({ id: row.profile.id, locked: false }, { onSuccess: onClose })}
          >
            Unlock for this session
          </Button>
        </>
      }
    >
      <p>
        This is a <strong>production</strong> database. Once unlocked, Strata may write to it
        until you lock it again or quit.
      </p>
      <MutationError error={setLocked.error} />
    </Dialog>
  );
}

export function SessionPasswordDialog({ row, onClose }: { row: ConnectionRow; onClose: () => void }) {
  const provide = useProvideSessionPassword();
  const [password, setPassword] = useState("");
  const input = useRef<HTMLInputElement>(null);
  const submit = () => provide.mutate({ id: row.profile.id, password }, { onSuccess: onClose });
  return (
    <Dialog
      title={`Password for “${row.profile.name}”`}
      onClose={onClose}
      initialFocus={input}
      testId="conn-session-password-dialog"
      actions={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" disabled={provide.isPending || password === ""} onClick={submit}>
            Use for this session
          </Button>
        </>
      }
    >
      <Field label="Password" hint="Kept in memory until Strata quits; never written to disk.">
        {(control) => (
          <input
            {...control}
            ref={input}
            className="input"
            type="password"
            autoComplete="off"
            data-testid="conn-session-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && password !== "") submit();
            }}
          />
        )}
      </Field>
      <MutationError error={provide.error} />
    </Dialog>
  );
}

/** The result of testing a saved connection; the screen runs the test and passes its state. */
export function TestDialog({
  row,
  pending,
  error,
  test,
  onRetry,
  onClose,
}: {
  row: ConnectionRow;
  pending: boolean;
  error: unknown;
  test: ConnectionTest | undefined;
  onRetry: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog
      title={`Test “${row.profile.name}”`}
      onClose={onClose}
      testId="conn-test-dialog"
      actions={
        <>
          <Button disabled={pending} onClick={onRetry}>
            Test again
          </Button>
          <Button variant="primary" onClick={onClose}>
            Close
          </Button>
        </>
      }
    >
      {pending ? (
        <LoadingState label="Testing the connection…" />
      ) : test !== undefined ? (
        <DiagnosisView diagnosis={test.diagnosis} />
      ) : (
        <MutationError error={error} />
      )}
    </Dialog>
  );
}
