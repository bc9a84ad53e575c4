/**
 * The frame every administrative operation (baseline, repair, resolve) shares: what it does
 * in words, the target's guards (read-only offers only Close; a name to type gates the
 * button), the backend's refusal in its own words, and on success the result with the
 * project's timeline invalidated and `onDone` told. Nothing is sent while the form is invalid.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Button } from "../../../components/Button";
import { Dialog } from "../../../components/Dialog";
import { TierBadge } from "../../../components/TierBadge";
import { describeError, type TimelineTarget } from "../../../ipc/client";
import { queryKeys } from "../../../ipc/queries";
import { ConfirmNameField, ReadOnlyNotice, confirmationReady, confirmationValue } from "./Protection";
import "./run.css";

/** What every admin dialog takes. `onDone` gets the result in words (for a toast). */
export type AdminDialogProps = {
  project: string;
  target: TimelineTarget;
  version: string;
  onClose: () => void;
  onDone: (message: string) => void;
};

export function AdminDialog({
  title,
  testId,
  project,
  target,
  submitLabel,
  danger = false,
  invalid,
  run,
  onClose,
  onDone,
  children,
}: {
  title: string;
  testId: string;
  project: string;
  target: TimelineTarget;
  submitLabel: string;
  danger?: boolean;
  /** Why the form cannot be sent yet (shown once the user tries), or null. */
  invalid: string | null;
  /** Does the operation with the typed confirmation; the result in words. */
  run: (confirmation: string | null) => Promise<string>;
  onClose: () => void;
  onDone: (message: string) => void;
  children: ReactNode;
}) {
  const client = useQueryClient();
  const [typed, setTyped] = useState("");
  const [tried, setTried] = useState(false);
  const mutation = useMutation({
    mutationFn: () => run(confirmationValue(target, typed)),
    onSuccess: async (message) => {
      onDone(message);
      await client.invalidateQueries({ queryKey: queryKeys.timeline(project) });
    },
  });
  const readOnly = target.protection.readOnly;
  const ready = confirmationReady(target, typed);
  const done = mutation.isSuccess;

  function submit() {
    setTried(true);
    if (invalid !== null || !ready || mutation.isPending) return;
    mutation.mutate();
  }

  const error = mutation.isError ? describeError(mutation.error) : null;
  return (
    <Dialog
      title={title}
      onClose={onClose}
      alert={danger}
      testId={testId}
      actions={
        <>
          <Button onClick={onClose} variant={done || readOnly ? "primary" : "secondary"}>
            Close
          </Button>
          {!done && !readOnly && (
            <Button
              variant="primary"
              className={danger ? "btn--danger" : undefined}
              onClick={submit}
              disabled={!ready || mutation.isPending}
              data-testid={`${testId}-submit`}
            >
              {mutation.isPending ? "Working…" : submitLabel}
            </Button>
          )}
        </>
      }
    >
      <p className="admin-target">
        <TierBadge tier={target.tier} /> <strong>{target.label}</strong>{" "}
        <span className="admin-target__location">{target.location}</span>
      </p>
      {done ? (
        <p className="notice notice--success" role="status" data-testid={`${testId}-done`}>
          {mutation.data}
        </p>
      ) : (
        <form
          className="admin-form"
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          {children}
          {readOnly ? (
            <ReadOnlyNotice target={target} />
          ) : (
            <ConfirmNameField target={target} value={typed} onChange={setTyped} testId={`${testId}-confirm`} />
          )}
          {tried && invalid !== null && (
            <p className="field__error" role="alert">
              {invalid}
            </p>
          )}
          {/* Enter in a field submits; the visible button is in the dialog's actions. */}
          <button type="submit" hidden tabIndex={-1} aria-hidden="true" />
        </form>
      )}
      {error && (
        <div className="notice notice--danger" role="alert" data-testid={`${testId}-error`}>
          <p className="notice__title">{error.summary}</p>
          <p>{error.message}</p>
        </div>
      )}
    </Dialog>
  );
}
