/**
 * The one door to the backend: wraps the generated commands, unwraps their
 * `Result`s and turns every failure into an `IpcFailure` carrying the typed
 * `{ code, message, fields }` the Rust side sends. UI code never sees a raw rejection.
 */
import {
  commands,
  type AppInfo,
  type ConnectionProfile,
  type ConnectionRow,
  type ConnectionSection,
  type ConnectionTest,
  type DatabaseKind,
  type EnvironmentTier,
  type FieldError,
  type ImportReport,
  type IpcError,
  type IpcErrorCode,
  type ParsedUrl,
  type PasswordInput,
  type ProjectSummary,
  type ProjectRef,
  type Timeline,
  type MigrationDetail,
  type RunRequest,
  type RunPlan,
  type RunEvent,
  type RunOutcome,
  type BaselineReport,
  type RepairReport,
  type ResolveAction,
  type ResolveReport,
  type HistoryFilter,
  type HistoryLog,
  type ExportFormat,
  type NewMigration,
  type TargetSchema,
  type MigrationEffect,
  type TargetComparison,
  type TargetDrift,
  type RollbackTest,
  type RoundTripProgress,
  type TimelineTarget,
  type Environment,
  type SeedCatalog,
  type SeedForm,
  type SeedProfileView,
  type SeedSecretState,
  type SeedPreview,
  type SeedEvent,
  type SeedRunOutcome,
} from "./bindings";
import { messageChannel } from "../platform/channel";

export type {
  AppInfo,
  ConnectionProfile,
  ConnectionRow,
  ConnectionSection,
  ConnectionTest,
  Diagnosis,
  FieldError,
  ImportReport,
  IpcError,
  IpcErrorCode,
  ParsedUrl,
  PasswordInput,
  ProjectSummary,
  ProjectRef,
  Timeline,
  TimelineRow,
  TimelineCell,
  TimelineTarget,
  TargetProtection,
  MigrationDetail,
  MigrationState,
  PartDetail,
  StatementSpan,
  Check,
  CheckKind,
  CheckLevel,
  StoredSql,
  TargetEvent,
  TargetFailure,
  RunAction,
  RunRequest,
  RunPlan,
  RunEvent,
  RunOutcome,
  RunFailure,
  RunReport,
  PlannedRun,
  Progress,
  LockStatus,
  BaselineReport,
  RepairReport,
  ResolveAction,
  ResolveReport,
  HistoryFilter,
  HistoryLog,
  ExportFormat,
  NewMigration,
  TargetSchema,
  MigrationEffect,
  TargetComparison,
  TargetDrift,
  RollbackTest,
  RoundTripReport,
  RoundTripProgress,
  RoundTripPhase,
  RoundTripStep,
  Untested,
  SchemaView,
  SchemaObject,
  SchemaDiff,
  Event,
  EventKind,
  EventOutcome,
  AppliedMigration,
  Direction,
  Environment,
  Mode,
  SeedCatalog,
  SeedDatasetInfo,
  SeedSourceKind,
  SeedForm,
  SeedCount,
  SeedProfileView,
  SeedSecretState,
  SeedPreview,
  SeedPreviewTable,
  SeedDatasetResult,
  SeedOutcome,
  SeedEvent,
  SeedPlanned,
  SeedRunOutcome,
  GeneratedPasswordView,
} from "./bindings";

const IPC_ERROR_CODES: readonly IpcErrorCode[] = [
  "notFound",
  "invalidInput",
  "project",
  "database",
  "io",
  "keychain",
  "passwordNeeded",
  "protected",
  "outOfOrder",
  "partial",
  "modified",
  "internal",
];

/** What an IpcFailure is built from: `fields` may be left out (it then is empty). */
export type IpcErrorInit = Omit<IpcError, "fields"> & { fields?: FieldError[] };

export class IpcFailure extends Error {
  readonly code: IpcErrorCode;
  /** For a rejected form: each field the backend refused, with its message. */
  readonly fields: readonly FieldError[];

  constructor(error: IpcErrorInit, options?: { cause?: unknown }) {
    super(error.message, options);
    this.name = "IpcFailure";
    this.code = error.code;
    this.fields = error.fields ?? [];
  }
}

function isFieldError(value: unknown): value is FieldError {
  if (typeof value !== "object" || value === null) return false;
  const { field, message } = value as Record<string, unknown>;
  return typeof field === "string" && typeof message === "string";
}

/** An error value as the backend sends it; `fields`, when present, must be well formed. */
export function isIpcError(value: unknown): value is IpcErrorInit {
  if (typeof value !== "object" || value === null) return false;
  const { code, message, fields } = value as Record<string, unknown>;
  return (
    typeof message === "string" &&
    typeof code === "string" &&
    (IPC_ERROR_CODES as readonly string[]).includes(code) &&
    (fields === undefined || (Array.isArray(fields) && fields.every(isFieldError)))
  );
}

/** Any thrown value, as an IpcFailure. Unknown shapes become `internal`. */
export function toIpcFailure(thrown: unknown): IpcFailure {
  if (thrown instanceof IpcFailure) return thrown;
  if (isIpcError(thrown)) return new IpcFailure(thrown);
  if (thrown instanceof Error) {
    return new IpcFailure({ code: "internal", message: thrown.message }, { cause: thrown });
  }
  // Tauri rejects with a bare string when, e.g., a command is not registered.
  const message = typeof thrown === "string" ? thrown : "The backend returned an unexpected error.";
  return new IpcFailure({ code: "internal", message }, { cause: thrown });
}

/**
 * The shape tauri-specta gives a fallible command's result (spelled here, not imported: the
 * generated file's helper names vary between versions).
 */
export type CommandResult<T, E = IpcError> = { status: "ok"; data: T } | { status: "error"; error: E };

export function unwrap<T>(result: CommandResult<T, unknown>): T {
  if (result.status === "ok") return result.data;
  throw toIpcFailure(result.error);
}

async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (thrown) {
    throw toIpcFailure(thrown);
  }
}

export const ipc = {
  appInfo: (): Promise<AppInfo> => call(() => commands.appInfo()),
  currentProject: (): Promise<ProjectSummary> =>
    call(async () => unwrap(await commands.currentProject())),

  listConnections: (): Promise<ConnectionSection[]> =>
    call(async () => unwrap(await commands.listConnections())),
  /** Moves an unreadable connections file aside; the path it now has. */
  setAsideConnectionsFile: (): Promise<string> =>
    call(async () => unwrap(await commands.setAsideConnectionsFile())),
  /** An unsaved connection with the backend's defaults (TLS, protection, password mode). */
  newConnection: (engine: DatabaseKind, tier: EnvironmentTier): Promise<ConnectionProfile> =>
    call(() => commands.newConnection(engine, tier)),
  parseConnectionUrl: (url: string): Promise<ParsedUrl> =>
    call(async () => unwrap(await commands.parseConnectionUrl(url))),
  saveConnection: (profile: ConnectionProfile, password: PasswordInput): Promise<ConnectionRow> =>
    call(async () => unwrap(await commands.saveConnection(profile, password))),
  duplicateConnection: (id: string): Promise<ConnectionRow> =>
    call(async () => unwrap(await commands.duplicateConnection(id))),
  deleteConnection: (id: string): Promise<void> =>
    call(async () => {
      unwrap(await commands.deleteConnection(id));
    }),
  provideSessionPassword: (id: string, password: string): Promise<void> =>
    call(async () => {
      unwrap(await commands.provideSessionPassword(id, password));
    }),
  unlockConnection: (id: string): Promise<ConnectionRow> =>
    call(async () => unwrap(await commands.unlockConnection(id))),
  lockConnection: (id: string): Promise<ConnectionRow> =>
    call(async () => unwrap(await commands.lockConnection(id))),
  /** Writes every connection, without passwords, to `path`; how many. */
  exportConnections: (path: string): Promise<number> =>
    call(async () => unwrap(await commands.exportConnections(path))),
  importConnections: (path: string): Promise<ImportReport> =>
    call(async () => unwrap(await commands.importConnections(path))),
  /** Tests a saved connection step by step; the diagnosis and the row with its last test. */
  testConnection: (id: string): Promise<ConnectionTest> =>
    call(async () => unwrap(await commands.testConnection(id))),
  /** Tests the form's values before they are saved. */
  testConnectionDraft: (profile: ConnectionProfile, password: PasswordInput): Promise<ConnectionTest> =>
    call(async () => unwrap(await commands.testConnectionDraft(profile, password))),
  setGroupProject: (group: string, projectDir: string | null): Promise<void> =>
    call(async () => {
      unwrap(await commands.setGroupProject(group, projectDir));
    }),

  /** The projects the app knows, the opened one first. */
  listProjects: (): Promise<ProjectRef[]> => call(async () => unwrap(await commands.listProjects())),
  /** A project's migrations with their state in each of its databases. */
  timeline: (project: string): Promise<Timeline> =>
    call(async () => unwrap(await commands.timeline(project))),
  migrationDetail: (project: string, version: string): Promise<MigrationDetail> =>
    call(async () => unwrap(await commands.migrationDetail(project, version))),
  /** What a run would do (a dry run), the lock's holder and the target's protection. */
  planRun: (request: RunRequest): Promise<RunPlan> =>
    call(async () => unwrap(await commands.planRun(request))),
  /** Runs under the migration lock; every progress event goes to `onEvent` as it happens. */
  runMigrations: (
    request: RunRequest,
    runKey: string,
    onEvent: (event: RunEvent) => void,
  ): Promise<RunOutcome> =>
    call(async () => unwrap(await commands.runMigrations(request, runKey, messageChannel(onEvent)))),
  /** Stops the run named `runKey`; false when no such run is going. */
  cancelRun: (runKey: string): Promise<boolean> =>
    call(async () => unwrap(await commands.cancelRun(runKey))),
  baselineMigrations: (
    project: string,
    target: string,
    version: string,
    confirmation: string | null,
  ): Promise<BaselineReport> =>
    call(async () => unwrap(await commands.baselineMigrations(project, target, version, confirmation))),
  repairMigration: (
    project: string,
    target: string,
    version: string,
    reason: string,
    confirmation: string | null,
  ): Promise<RepairReport> =>
    call(async () =>
      unwrap(await commands.repairMigration(project, target, version, reason, confirmation)),
    ),
  resolveMigration: (
    project: string,
    target: string,
    version: string,
    action: ResolveAction,
    confirmation: string | null,
  ): Promise<ResolveReport> =>
    call(async () =>
      unwrap(await commands.resolveMigration(project, target, version, action, confirmation)),
    ),
  historyLog: (project: string, filter: HistoryFilter): Promise<HistoryLog> =>
    call(async () => unwrap(await commands.historyLog(project, filter))),
  /** Writes the filtered log to `path`; how many events. */
  exportHistory: (
    project: string,
    filter: HistoryFilter,
    format: ExportFormat,
    path: string,
  ): Promise<number> =>
    call(async () => unwrap(await commands.exportHistory(project, filter, format, path))),
  newMigration: (project: string, name: string): Promise<NewMigration> =>
    call(async () => unwrap(await commands.newMigration(project, name))),
  /** The live schema of one target and its DDL. */
  schemaOf: (project: string, target: string): Promise<TargetSchema> =>
    call(async () => unwrap(await commands.schemaOf(project, target))),
  /** What a target's pending migrations (up to `version`) would change; nothing is kept. */
  migrationEffect: (project: string, target: string, version: string | null): Promise<MigrationEffect> =>
    call(async () => unwrap(await commands.migrationEffect(project, target, version))),
  /** Target A against target B: the diff and the SQL that makes B like A. */
  compareTargets: (project: string, a: string, b: string): Promise<TargetComparison> =>
    call(async () => unwrap(await commands.compareTargets(project, a, b))),
  /** A target against the schema its applied migrations build (in a scratch database). */
  schemaDrift: (project: string, target: string): Promise<TargetDrift> =>
    call(async () => unwrap(await commands.schemaDrift(project, target))),
  /** Up, down, up of each migration (or of `version`) in a scratch database beside `target`; `onProgress` hears before each step. */
  testRollback: (
    project: string,
    target: string,
    version: string | null,
    onProgress: (progress: RoundTripProgress) => void,
  ): Promise<RollbackTest> =>
    call(async () => unwrap(await commands.testRollback(project, target, version, messageChannel(onProgress)))),
  /** Target A against the schema at `version` of the project (B): the diff and the SQL that makes B like A. */
  compareVersion: (project: string, target: string, version: string): Promise<TargetComparison> =>
    call(async () => unwrap(await commands.compareVersion(project, target, version))),
  /** A new migration pair holding `up` and `down`: both files or neither. */
  writeGeneratedMigration: (project: string, name: string, up: string, down: string): Promise<NewMigration> =>
    call(async () => unwrap(await commands.writeGeneratedMigration(project, name, up, down))),

  /** The project's seed datasets in dependency order (only `environment`'s when given). */
  seedCatalog: (project: string, environment: Environment | null): Promise<SeedCatalog> =>
    call(async () => unwrap(await commands.seedCatalog(project, environment))),
  /** The databases the Seeds form can seed. */
  seedTargets: (project: string): Promise<TimelineTarget[]> =>
    call(async () => unwrap(await commands.seedTargets(project))),
  seedProfiles: (project: string): Promise<SeedProfileView[]> =>
    call(async () => unwrap(await commands.seedProfiles(project))),
  /** Saves the form as `[seeds.profiles.<name>]` in strata.toml; the profiles after. */
  saveSeedProfile: (project: string, name: string, form: SeedForm, replace: boolean): Promise<SeedProfileView[]> =>
    call(async () => unwrap(await commands.saveSeedProfile(project, name, form, replace))),
  deleteSeedProfile: (project: string, name: string): Promise<SeedProfileView[]> =>
    call(async () => unwrap(await commands.deleteSeedProfile(project, name))),
  /** The secrets the datasets name and whether the keychain holds each (never a value). */
  seedSecrets: (project: string): Promise<SeedSecretState[]> =>
    call(async () => unwrap(await commands.seedSecrets(project))),
  /** Hands a secret to the OS keychain, once; it never comes back. */
  storeSeedSecret: (project: string, name: string, value: string): Promise<SeedSecretState[]> =>
    call(async () => unwrap(await commands.storeSeedSecret(project, name, value))),
  /** The first rows of each dataset and, against `target`, a dry run that is rolled back. */
  seedPreview: (project: string, target: string | null, form: SeedForm, rows: number): Promise<SeedPreview> =>
    call(async () => unwrap(await commands.seedPreview(project, target, form, rows))),
  /** Seeds `target`; every event goes to `onEvent` as it happens. */
  seedRun: (
    project: string,
    target: string,
    form: SeedForm,
    confirmation: string | null,
    runKey: string,
    onEvent: (event: SeedEvent) => void,
  ): Promise<SeedRunOutcome> =>
    call(async () =>
      unwrap(await commands.seedRun(project, target, form, confirmation, runKey, messageChannel(onEvent))),
    ),
  /** Stops seed run `runKey` (the dataset being applied rolls back); false when none is going. */
  cancelSeedRun: (runKey: string): Promise<boolean> => call(() => commands.cancelSeedRun(runKey)),
};

const CODE_EXPLANATIONS: Record<IpcErrorCode, string> = {
  notFound: "Something Strata looked for does not exist.",
  invalidInput: "The request had a value Strata cannot use.",
  project: "The project folder or its strata.toml could not be read.",
  database: "The database refused or failed the request.",
  io: "A file or folder could not be read or written.",
  keychain: "The OS keychain is missing, locked or did not answer.",
  passwordNeeded: "This connection needs its password for this session.",
  protected: "The connection is protected: nothing was changed.",
  outOfOrder: "Older migrations than the newest applied one are pending (a parallel branch).",
  partial: "A migration is partially applied: resolve it before running more.",
  modified: "An applied migration's file changed since it was applied.",
  internal: "Strata hit an internal error.",
};

export type ErrorDescription = {
  code: IpcErrorCode;
  summary: string;
  message: string;
  fields: readonly FieldError[];
};

/** A failure in plain language, for error states: what kind, and the backend's own words. */
export function describeError(thrown: unknown): ErrorDescription {
  const failure = toIpcFailure(thrown);
  return {
    code: failure.code,
    summary: CODE_EXPLANATIONS[failure.code],
    message: failure.message,
    fields: failure.fields,
  };
}
