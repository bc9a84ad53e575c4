/**
 * Where the selected migration's detail opens, right of the list, inside `.tl-pane` (which
 * sizes it): the detail pane with the row's actions menu in its header.
 */
import type { Timeline } from "../../ipc/client";
import type { TargetFacts, TimelineAction } from "./actions";
import { MigrationDetailPane } from "./detail";
import { RowActions } from "./RowActions";

export function DetailSlot({
  project,
  timeline,
  facts,
  rowIndex,
  onAction,
  onClose,
}: {
  project: string;
  timeline: Timeline;
  facts: readonly TargetFacts[];
  /** Index into `timeline.rows` of the selected migration. */
  rowIndex: number;
  onAction: (action: TimelineAction) => void;
  onClose: () => void;
  now: number;
}) {
  const row = timeline.rows[rowIndex];
  if (!row) return null;
  return (
    <div className="tl-pane" data-testid="timeline-detail">
      <MigrationDetailPane
        project={project}
        version={row.version}
        targets={timeline.targets}
        onAction={(action) => onAction(action as TimelineAction)}
        onClose={onClose}
        actions={
          <RowActions
            project={project}
            timeline={timeline}
            facts={facts}
            rowIndex={rowIndex}
            onAction={onAction}
            label="Actions"
          />
        }
      />
    </div>
  );
}
