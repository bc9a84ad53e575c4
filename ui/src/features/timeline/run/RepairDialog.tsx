/**
 * Repair: accept the edited file of an applied migration. Its recorded checksum and stored SQL
 * become the file's; the database is not touched. A reason is required: it goes into the log.
 */
import { useState } from "react";
import { Field } from "../../../components/Field";
import { ipc } from "../../../ipc/client";
import { AdminDialog, type AdminDialogProps } from "./AdminDialog";

export function RepairDialog({ project, target, version, onClose, onDone }: AdminDialogProps) {
  const [reason, setReason] = useState("");
  const invalid =
    reason.trim() === ""
      ? "Enter a reason: the log records why the history changed (for example, \"comment fixed after review\")."
      : null;
  return (
    <AdminDialog
      title={`Repair the checksum of ${version}`}
      testId="repair-dialog"
      project={project}
      target={target}
      submitLabel="Accept the file"
      invalid={invalid}
      onClose={onClose}
      onDone={onDone}
      run={async (confirmation) => {
        const report = await ipc.repairMigration(project, target.id, version, reason.trim(), confirmation);
        const down = report.downChanged ? " Its stored down SQL was replaced by the file's too." : "";
        const change = `${report.oldChecksum.slice(0, 8)}… → ${report.newChecksum.slice(0, 8)}…`;
        return `${report.version} ${report.name} now records the file's checksum (${change}) in ${target.label}.${down}`;
      }}
    >
      <p>
        The file of <strong>{version}</strong> changed after it was applied in {target.label}.
        Repairing accepts the file as it is now: the recorded checksum and the stored SQL become
        the file&apos;s. <strong>The database itself is not changed</strong>: if the edit changes
        what the migration does, write a new migration instead.
      </p>
      <Field label="Reason (required)" hint="Recorded with the repair event in the history.">
        {(props) => (
          <textarea
            {...props}
            className="input admin-reason"
            data-testid="repair-reason"
            rows={3}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
        )}
      </Field>
    </AdminDialog>
  );
}
