/**
 * "Generate migration": the up and down SQL to review, a name, and Write, which creates the
 * pair as "New migration" does and fills it (both files or neither). The timeline's query is
 * invalidated so the new migration appears there; a refusal stays in the dialog.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useRef, useState } from "react";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { LoadingState } from "../../components/LoadingState";
import type { DatabaseKind } from "../../ipc/bindings";
import { describeError, ipc, type NewMigration } from "../../ipc/client";
import { queryKeys } from "../../ipc/queries";

const SqlView = lazy(() => import("../../components/sql/SqlView").then((m) => ({ default: m.SqlView })));

/** A name `new_migration` accepts: letters, digits and spaces. */
export function suggestName(text: string): string {
  return text
    .replace(/[^A-Za-z0-9 ]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 60);
}

export function GenerateDialog({
  project,
  up,
  down,
  dialect,
  suggestedName,
  note,
  onClose,
  onWritten,
}: {
  project: string;
  up: string;
  down: string;
  dialect: DatabaseKind;
  suggestedName: string;
  /** Something to know before writing, shown above the SQL. */
  note?: string;
  onClose: () => void;
  onWritten: (made: NewMigration) => void;
}) {
  const client = useQueryClient();
  const inputRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState(() => suggestName(suggestedName));
  const write = useMutation({
    mutationFn: () => ipc.writeGeneratedMigration(project, name, up, down),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: queryKeys.timeline(project) });
    },
  });
  const failure = write.error === null ? null : describeError(write.error);
  return (
    <Dialog
      title="Generate migration"
      onClose={onClose}
      initialFocus={inputRef}
      testId="generate-dialog"
      actions={
        <>
          <Button data-testid="generate-cancel" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant="primary"
            data-testid="generate-write"
            disabled={write.isPending || name.trim() === ""}
            onClick={() => write.mutate(undefined, { onSuccess: onWritten })}
          >
            {write.isPending ? "Writing…" : "Write"}
          </Button>
        </>
      }
    >
      <Field label="Name" hint="Becomes <version>_<name>.up.sql and .down.sql in the project’s migrations folder.">
        {(control) => (
          <input
            {...control}
            ref={inputRef}
            className="input"
            data-testid="generate-name"
            value={name}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => {
              setName(e.target.value);
              if (write.isError) write.reset();
            }}
          />
        )}
      </Field>
      {note !== undefined && (
        <p className="notice" data-testid="generate-note">
          {note}
        </p>
      )}
      <Suspense fallback={<LoadingState label="Opening the SQL…" />}>
        <h3 className="sc-detail__sub">Up</h3>
        <SqlView sql={up} dialect={dialect} label="Up SQL" testId="generate-up" />
        <h3 className="sc-detail__sub">Down</h3>
        <SqlView sql={down} dialect={dialect} label="Down SQL" testId="generate-down" />
      </Suspense>
      {failure !== null && (
        <div className="notice notice--danger" role="alert" data-testid="generate-failure">
          <p>The migration was not written: {failure.message}</p>
        </div>
      )}
    </Dialog>
  );
}
