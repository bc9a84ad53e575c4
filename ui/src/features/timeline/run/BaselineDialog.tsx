/**
 * Baseline: record a version and everything before it as applied without running them, for
 * a database that already has those changes (made by hand, or by another tool).
 */
import { ipc } from "../../../ipc/client";
import { plural } from "../../../lib/format";
import { AdminDialog, type AdminDialogProps } from "./AdminDialog";

export function BaselineDialog({ project, target, version, onClose, onDone }: AdminDialogProps) {
  return (
    <AdminDialog
      title={`Mark applied up to ${version}`}
      testId="baseline-dialog"
      project={project}
      target={target}
      submitLabel="Mark applied"
      invalid={null}
      onClose={onClose}
      onDone={onDone}
      run={async (confirmation) => {
        const report = await ipc.baselineMigrations(project, target.id, version, confirmation);
        const already =
          report.alreadyApplied > 0 ? `; ${plural(report.alreadyApplied, "was", "were")} applied already` : "";
        const them = report.recorded.length === 1 ? "it" : "them";
        const recorded = plural(report.recorded.length, "migration");
        return `Recorded ${recorded} as applied in ${target.label} without running ${them}${already}.`;
      }}
    >
      <p>
        Records <strong>{version}</strong> and every migration before it as applied in{" "}
        {target.label}, <strong>without running them</strong>. Use it when the database already
        has these changes, made by hand or by another tool.
      </p>
      <p className="admin-hint">
        Nothing in the database changes but Strata&apos;s history: a migration marked applied
        this way will not run later. Each one gets a <code>baseline</code> event in the log.
      </p>
    </AdminDialog>
  );
}
