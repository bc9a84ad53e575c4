/**
 * Resolve a partially applied migration (some statements committed, then one failed, outside
 * a transaction): resume from the statement after the last that committed, mark it resolved
 * (the user finished it by hand), or roll back what committed. Each choice says what it will
 * do; nothing is preselected, so the user decides.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import {
  ipc,
  type AppliedMigration,
  type ResolveAction,
  type Timeline,
  type TimelineTarget,
} from "../../../ipc/client";
import { queryKeys } from "../../../ipc/queries";
import { AdminDialog, type AdminDialogProps } from "./AdminDialog";

type Choice = { action: ResolveAction; title: string; explanation: string; disabled: string | null };

/** The history row of `version` in `target`, from the timeline the dialog was opened from. */
function useAppliedRow(project: string, target: TimelineTarget, version: string): AppliedMigration | null {
  const timeline = useQueryClient().getQueryData<Timeline>(queryKeys.timeline(project));
  if (!timeline) return null;
  const column = timeline.targets.findIndex((t) => t.id === target.id);
  const row = timeline.rows.find((r) => r.version === version);
  return (column >= 0 && row?.cells[column]?.applied) || null;
}

export function choices(applied: AppliedMigration | null): Choice[] {
  const rollback = applied?.state === "partial_rollback";
  const committed = applied?.statementsCommitted;
  const total = applied?.statementsTotal;
  const next = committed !== undefined ? committed + 1 : null;
  const counted =
    committed !== undefined && total !== undefined ? ` (${committed} of ${total} committed)` : "";
  return [
    {
      action: "resume",
      title: next !== null ? `Resume from statement ${next}` : "Resume after the last committed statement",
      explanation:
        `Runs the statements after the last one that committed${counted}, from the SQL stored ` +
        `when it was applied. Fix what made statement ${next ?? "k"} fail first (a missing ` +
        "object, a lock, a full disk), or it fails again.",
      disabled: null,
    },
    {
      action: "markResolved",
      title: "Mark resolved",
      explanation: rollback
        ? "You finished the rollback by hand: Strata forgets the migration, as if its rollback " +
          "had completed. Nothing runs."
        : "You finished the remaining statements by hand: Strata records the migration as " +
          "applied. Nothing runs.",
      disabled: null,
    },
    {
      action: "rollBackCommitted",
      title: "Roll back what committed",
      explanation:
        `Runs the stored down SQL to undo the statements that committed${counted}, then ` +
        "forgets the migration, so it is pending again.",
      disabled: rollback
        ? "Not for a failed rollback: resume the rollback or mark it resolved."
        : null,
    },
  ];
}

export function ResolveDialog({
  project,
  target,
  version,
  onClose,
  onDone,
  applied,
}: AdminDialogProps & {
  /** The history row, when the caller has it (else read from the cached timeline). */
  applied?: AppliedMigration | null;
}) {
  const cached = useAppliedRow(project, target, version);
  const row = applied ?? cached;
  const [action, setAction] = useState<ResolveAction | null>(null);
  const options = choices(row);
  return (
    <AdminDialog
      title={`Resolve ${version}`}
      testId="resolve-dialog"
      project={project}
      target={target}
      submitLabel="Resolve"
      danger={action === "rollBackCommitted"}
      invalid={action === null ? "Choose how to resolve it." : null}
      onClose={onClose}
      onDone={onDone}
      run={async (confirmation) => {
        const report = await ipc.resolveMigration(project, target.id, version, action ?? "resume", confirmation);
        const now = report.applied ? "It is applied now." : "It is not applied now.";
        return `${report.version} ${report.name}: ${report.detail} ${now}`;
      }}
    >
      <p>
        <strong>{version}</strong> is {row?.state === "partial_rollback" ? "partially rolled back" : "partially applied"}{" "}
        in {target.label}: some statements committed, then one failed, outside a transaction.
        Strata will not run anything else there until it is resolved.
      </p>
      <fieldset className="resolve-choices">
        <legend className="field__label">How to resolve it</legend>
        {options.map((choice) => (
          <label
            key={choice.action}
            className={`check resolve-choice${choice.disabled ? " resolve-choice--disabled" : ""}`}
            title={choice.disabled ?? undefined}
          >
            <input
              type="radio"
              name="resolve-action"
              value={choice.action}
              data-testid={`resolve-${choice.action}`}
              checked={action === choice.action}
              disabled={choice.disabled !== null}
              onChange={() => setAction(choice.action)}
            />
            <span>
              <span className="resolve-choice__title">{choice.title}</span>
              <span className="check__hint">{choice.disabled ?? choice.explanation}</span>
            </span>
          </label>
        ))}
      </fieldset>
    </AdminDialog>
  );
}
