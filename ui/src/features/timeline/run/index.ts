/**
 * The run view and the administrative dialogs, as the timeline mounts them. Everything else
 * in this folder is theirs.
 */

export { RunView } from "./RunView";
export { BaselineDialog } from "./BaselineDialog";
export { RepairDialog } from "./RepairDialog";
export { ResolveDialog } from "./ResolveDialog";
export type { AdminDialogProps } from "./AdminDialog";
