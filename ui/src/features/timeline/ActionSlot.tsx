/**
 * Where a chosen `TimelineAction` is carried out: a run goes to the run view (plan, confirm,
 * progress, outcome); baseline, repair and resolve to their dialogs. `onDone` refreshes the
 * timeline (and every query under it: detail, history).
 */
import type { TimelineAction } from "./actions";
import { BaselineDialog, RepairDialog, ResolveDialog, RunView } from "./run";

export function ActionSlot({
  action,
  onClose,
  onDone,
}: {
  action: TimelineAction;
  onClose: () => void;
  onDone: (message?: string) => void;
}) {
  switch (action.kind) {
    case "run":
      return <RunView request={action.request} onClose={onClose} onFinished={() => onDone()} />;
    case "baseline":
      return (
        <BaselineDialog
          project={action.project}
          target={action.target}
          version={action.version}
          onClose={onClose}
          onDone={onDone}
        />
      );
    case "repair":
      return (
        <RepairDialog
          project={action.project}
          target={action.target}
          version={action.version}
          onClose={onClose}
          onDone={onDone}
        />
      );
    case "resolve":
      return (
        <ResolveDialog
          project={action.project}
          target={action.target}
          version={action.version}
          applied={action.cell?.applied ?? null}
          onClose={onClose}
          onDone={onDone}
        />
      );
  }
}
