/**
 * "New migration": asks for a name, checks it as the backend does (and shows the file name it
 * becomes), then creates the up/down pair through the same code path as `strata new`. It
 * closes only once the files exist and the timeline was refreshed, so the caller can select
 * the new row; a refusal stays in the dialog with the backend's own words.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type FormEvent } from "react";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { describeError, ipc, type NewMigration } from "../../ipc/client";
import { queryKeys } from "../../ipc/queries";
import { migrationNameProblem, normalizeMigrationName } from "./newMigration";

export function NewMigrationDialog({
  project,
  onClose,
  onCreated,
}: {
  project: string;
  onClose: () => void;
  onCreated: (created: NewMigration) => void;
}) {
  const client = useQueryClient();
  const inputRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState("");
  const [touched, setTouched] = useState(false);
  const create = useMutation({
    mutationFn: (value: string) => ipc.newMigration(project, value),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: queryKeys.timeline(project) });
    },
  });

  const problem = migrationNameProblem(name);
  const shownProblem = touched ? problem : null;
  const normalized = problem === null ? normalizeMigrationName(name) : null;
  const failure = create.error === null ? null : describeError(create.error);
  const nameField = failure?.fields.find((f) => f.field === "name")?.message;

  function submit(event?: FormEvent) {
    event?.preventDefault();
    setTouched(true);
    if (problem !== null || create.isPending) {
      inputRef.current?.focus();
      return;
    }
    create.mutate(name, { onSuccess: (created) => onCreated(created) });
  }

  return (
    <Dialog
      title="New migration"
      onClose={onClose}
      initialFocus={inputRef}
      testId="new-migration-dialog"
      actions={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="primary"
            data-testid="new-migration-create"
            disabled={create.isPending}
            onClick={() => submit()}
          >
            {create.isPending ? "Creating…" : "Create"}
          </Button>
        </>
      }
    >
      <form onSubmit={submit} noValidate>
        <Field
          label="Name"
          error={shownProblem ?? nameField}
          errorTestId="new-migration-error"
          hint={
            normalized !== null
              ? `Creates <version>_${normalized}.up.sql and .down.sql in the project’s migrations folder, with a fresh version.`
              : "A few words saying what it changes: letters, digits, spaces, “_” and “-”."
          }
        >
          {(control) => (
            <input
              {...control}
              ref={inputRef}
              className="input"
              data-testid="new-migration-name"
              value={name}
              autoComplete="off"
              spellCheck={false}
              placeholder="create users"
              onChange={(event) => {
                setName(event.target.value);
                if (create.isError) create.reset();
              }}
              onBlur={() => {
                if (name !== "") setTouched(true);
              }}
            />
          )}
        </Field>
      </form>
      {failure !== null && nameField === undefined && (
        <div className="notice notice--danger" role="alert" data-testid="new-migration-failure">
          <p>The migration was not created: {failure.message}</p>
        </div>
      )}
    </Dialog>
  );
}
