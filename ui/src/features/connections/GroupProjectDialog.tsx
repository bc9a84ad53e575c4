/**
 * Attach a project folder (its migrations/ and seeds/) to a named group of connections, or
 * detach it. The backend validates the folder; its message and field errors stay in the
 * dialog, which closes only when the change is saved.
 */
import { useState } from "react";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { describeError } from "../../ipc/client";
import { chooseFolder } from "../../platform/dialog";
import { PathInput } from "./PathInput";
import { useSetGroupProject } from "./useConnectionActions";

export function GroupProjectDialog({
  group,
  projectDir,
  onClose,
  onSaved,
}: {
  group: string;
  /** The folder attached now, if any. */
  projectDir: string | null;
  onClose: () => void;
  /** After a successful change, with a sentence saying what changed. */
  onSaved: (text: string) => void;
}) {
  const setProject = useSetGroupProject();
  const [path, setPath] = useState(projectDir ?? "");
  const trimmed = path.trim();

  const failure = setProject.error === null ? null : describeError(setProject.error);
  const dirError = failure?.fields.find((f) => f.field === "projectDir")?.message;
  const otherFields = failure?.fields.filter((f) => f.field !== "projectDir") ?? [];

  function save(dir: string | null) {
    setProject.mutate(
      { group, projectDir: dir },
      {
        onSuccess: () =>
          onSaved(
            dir === null
              ? `Detached the project folder from “${group}”.`
              : `“${group}” now uses the project folder ${dir}.`,
          ),
      },
    );
  }

  return (
    <Dialog
      title={`Project folder for “${group}”`}
      onClose={onClose}
      testId="group-project-dialog"
      actions={
        <>
          {projectDir !== null && (
            <Button
              data-testid="group-project-detach"
              disabled={setProject.isPending}
              onClick={() => save(null)}
            >
              Detach
            </Button>
          )}
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="primary"
            data-testid="group-project-save"
            disabled={trimmed === "" || setProject.isPending}
            onClick={() => save(trimmed)}
          >
            {setProject.isPending ? "Saving…" : "Save"}
          </Button>
        </>
      }
    >
      <p>
        The connections in “{group}” use this folder’s <code>migrations/</code> and <code>seeds/</code>.
      </p>
      <p className="muted" data-testid="group-project-current">
        {projectDir === null ? "No project folder is attached yet." : `Attached now: ${projectDir}`}
      </p>
      <Field label="Project folder" error={dirError} errorTestId="group-project-path-error">
        {(control) => (
          <PathInput
            control={control}
            testId="group-project-path"
            value={path}
            placeholder="/path/to/project"
            onChange={setPath}
            choosers={[
              {
                label: "Choose…",
                testId: "group-project-choose",
                choose: () =>
                  chooseFolder({
                    title: `Project folder for “${group}”`,
                    ...(trimmed !== "" ? { defaultPath: trimmed } : {}),
                  }),
              },
            ]}
          />
        )}
      </Field>
      {failure !== null && (
        <div className="notice notice--danger" role="alert" data-testid="group-project-error">
          <p>{failure.message}</p>
          {otherFields.length > 0 && (
            <ul>
              {otherFields.map((f) => (
                <li key={`${f.field}:${f.message}`}>
                  {f.field === "group" ? "Group" : f.field}: {f.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Dialog>
  );
}
