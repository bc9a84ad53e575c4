/** The migration detail pane: the one thing the timeline imports from this folder. */
export { MigrationDetailPane, type DetailTab, type MigrationDetailPaneProps } from "./MigrationDetailPane";
