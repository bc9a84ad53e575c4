/**
 * A seed run as local state: its events folded in as they arrive, its outcome, Cancel. The
 * run's result carries the passwords it generated (shown once): they are kept here, in
 * component state only, never in the query cache, and dropped when the dialog closes.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";
import { ipc, type GeneratedPasswordView, type SeedEvent, type SeedForm } from "../../ipc/client";
import { queryKeys } from "../../ipc/queries";
import { idleRun, reduceSeedEvent, settleSeedRun, startRun, type SeedRunState } from "./progress";

let counter = 0;
function freshKey(): string {
  counter += 1;
  return `seed-${Date.now()}-${counter}`;
}

export type SeedRunControls = {
  state: SeedRunState;
  /** A refusal before the run started (protection, a missing secret, a bad form). */
  error: unknown;
  passwords: GeneratedPasswordView[];
  start: (project: string, target: string, form: SeedForm, confirmation: string | null) => void;
  cancel: () => void;
  cancelling: boolean;
  dismissPasswords: () => void;
  reset: () => void;
};

export function useSeedRun(): SeedRunControls {
  const [state, setState] = useState<SeedRunState>(idleRun);
  const [error, setError] = useState<unknown>(null);
  const [passwords, setPasswords] = useState<GeneratedPasswordView[]>([]);
  const [cancelling, setCancelling] = useState(false);
  const key = useRef<string | null>(null);
  const client = useQueryClient();

  const start = useCallback(
    (project: string, target: string, form: SeedForm, confirmation: string | null) => {
      const runKey = freshKey();
      key.current = runKey;
      setError(null);
      setPasswords([]);
      setCancelling(false);
      setState(startRun());
      const onEvent = (event: SeedEvent) => setState((s) => reduceSeedEvent(s, event));
      ipc
        .seedRun(project, target, form, confirmation, runKey, onEvent)
        .then((outcome) => {
          setState((s) => settleSeedRun(s, outcome));
          if (outcome.outcome === "finished") setPasswords(outcome.generatedPasswords);
        })
        .catch((thrown: unknown) => {
          setError(thrown);
          setState(idleRun);
        })
        .finally(() => {
          key.current = null;
          setCancelling(false);
          void client.invalidateQueries({ queryKey: queryKeys.timeline(project) });
        });
    },
    [client],
  );

  const cancel = useCallback(() => {
    if (key.current === null) return;
    setCancelling(true);
    void ipc.cancelSeedRun(key.current);
  }, []);

  const dismissPasswords = useCallback(() => setPasswords([]), []);
  const reset = useCallback(() => {
    setState(idleRun);
    setError(null);
  }, []);

  return { state, error, passwords, start, cancel, cancelling, dismissPasswords, reset };
}
