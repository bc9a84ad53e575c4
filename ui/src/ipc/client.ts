/**
 * The one door to the backend: wraps the generated commands, unwraps their
 * `Result`s and turns every failure into an `IpcFailure` carrying the typed
 * `{ code, message }` the Rust side sends. UI code never sees a raw rejection.
 */
import {
  commands,
  type AppInfo,
  type IpcError,
  type IpcErrorCode,
  type ProjectSummary,
} from "./bindings";

export type { AppInfo, IpcError, IpcErrorCode, ProjectSummary } from "./bindings";

const IPC_ERROR_CODES: readonly IpcErrorCode[] = [
  "notFound",
  "invalidInput",
  "project",
  "database",
  "io",
  "internal",
];

export class IpcFailure extends Error {
  readonly code: IpcErrorCode;

  constructor(error: IpcError, options?: { cause?: unknown }) {
    super(error.message, options);
    this.name = "IpcFailure";
    this.code = error.code;
  }
}

export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== "object" || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return (
    typeof message === "string" &&
    typeof code === "string" &&
    (IPC_ERROR_CODES as readonly string[]).includes(code)
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

/** The shape tauri-specta gives a fallible command's result (spelled here, not imported: the generated file's helper names vary between versions). */
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
};

const CODE_EXPLANATIONS: Record<IpcErrorCode, string> = {
  notFound: "Something Strata looked for does not exist.",
  invalidInput: "The request had a value Strata cannot use.",
  project: "The project folder or its strata.toml could not be read.",
  database: "The database refused or failed the request.",
  io: "A file or folder could not be read or written.",
  internal: "Strata hit an internal error.",
};

export type ErrorDescription = { code: IpcErrorCode; summary: string; message: string };

/** A failure in plain language, for error states: what kind, and the backend's own words. */
export function describeError(thrown: unknown): ErrorDescription {
  const failure = toIpcFailure(thrown);
  return {
    code: failure.code,
    summary: CODE_EXPLANATIONS[failure.code],
    message: failure.message,
  };
}
