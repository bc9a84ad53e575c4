/**
 * The secrets the chosen datasets name: whether the OS keychain holds each for this project,
 * and a password field to store one. The value goes to the backend once and never comes back.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { describeError, ipc, type SeedSecretState } from "../../ipc/client";
import { queryKeys } from "../../ipc/queries";

export function SecretsField({
  project,
  needed,
  states,
  error,
}: {
  project: string;
  needed: readonly string[];
  states: readonly SeedSecretState[];
  /** Why the keychain could not say which secrets it holds. */
  error: string | null;
}) {
  if (needed.length === 0) return null;
  return (
    <div className="seeds-secrets" data-testid="seeds-secrets">
      <p className="seeds-label">Secrets this run needs</p>
      {error !== null && (
        <p className="field__error" role="alert">
          ⚠ The OS keychain could not be read: {error}
        </p>
      )}
      {needed.map((name) => (
        <SecretRow key={name} project={project} name={name} stored={states.find((s) => s.name === name)?.stored ?? false} />
      ))}
    </div>
  );
}

function SecretRow({ project, name, stored }: { project: string; name: string; stored: boolean }) {
  const [value, setValue] = useState("");
  const client = useQueryClient();
  const store = useMutation({
    mutationFn: (v: string) => ipc.storeSeedSecret(project, name, v),
    onSuccess: (states) => {
      setValue("");
      client.setQueryData(queryKeys.seedSecrets(project), states);
    },
  });
  const inputId = `seeds-secret-${name}`;
  return (
    <div className="seeds-secret">
      <span className="seeds-secret__name">
        <code className="seeds-code">{name}</code>
        {stored ? (
          <Badge tone="success" icon="ok">
            stored in the keychain
          </Badge>
        ) : (
          <Badge tone="warning" icon="alert">
            not stored
          </Badge>
        )}
      </span>
      {/* Not a <form>: it sits inside the Seeds form, and Enter here stores, not previews. */}
      <div className="seeds-secret__form">
        <label htmlFor={inputId} className="sr-only">
          {stored ? `Replace the secret ${name}` : `The secret ${name}`}
        </label>
        <input
          id={inputId}
          data-testid={inputId}
          className="input"
          type="password"
          autoComplete="new-password"
          placeholder={stored ? "Replace it…" : "Type it to store it"}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              if (value !== "") store.mutate(value);
            }
          }}
        />
        <Button size="sm" disabled={value === "" || store.isPending} onClick={() => store.mutate(value)}>
          {store.isPending ? "Storing…" : "Store"}
        </Button>
      </div>
      {store.isError && (
        <p className="field__error" role="alert">
          ⚠ {describeError(store.error).message}
        </p>
      )}
    </div>
  );
}
