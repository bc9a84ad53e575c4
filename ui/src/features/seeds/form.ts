/**
 * The Seeds form's logic, free of React: which datasets a choice pulls in (and why), the row
 * counts typed for generated datasets, the form sent to the backend, what a profile restores,
 * and what a target demands before a run. The backend checks all of it again.
 */
import type {
  Environment,
  Mode,
  SeedDatasetInfo,
  SeedForm,
  SeedProfileView,
  TimelineTarget,
} from "../../ipc/client";

export const ENVIRONMENTS: readonly Environment[] = ["development", "testing", "staging", "production"];

export const MODES: readonly { mode: Mode; label: string; hint: string }[] = [
  { mode: "insert-only", label: "Insert only", hint: "Add rows whose key is new; leave existing rows as they are." },
  { mode: "upsert", label: "Upsert", hint: "Add new rows and update rows that changed." },
  {
    mode: "sync",
    label: "Sync",
    hint: "Upsert, and delete rows of owned reference tables that the files no longer have.",
  },
];

/** The most rows a generated dataset may be asked for from the form. */
export const MAX_ROWS = 10_000_000;

/** The datasets of `environment`, in the catalog's (dependency) order. */
export function datasetsFor(all: readonly SeedDatasetInfo[], environment: Environment): SeedDatasetInfo[] {
  return all.filter((d) => d.environments.includes(environment));
}

/**
 * What applying `chosen` applies: the chosen datasets and everything they need, transitively,
 * each needed one with the chosen datasets that (directly or not) need it.
 */
export function withDependencies(
  all: readonly SeedDatasetInfo[],
  chosen: ReadonlySet<string>,
): { included: Set<string>; neededBy: Map<string, string[]> } {
  const byName = new Map(all.map((d) => [d.name, d]));
  const included = new Set<string>();
  const neededBy = new Map<string, string[]>();
  for (const root of all.filter((d) => chosen.has(d.name)).map((d) => d.name)) {
    const stack = [root];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const name = stack.pop() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      included.add(name);
      if (name !== root && !chosen.has(name)) {
        const by = neededBy.get(name) ?? [];
        if (!by.includes(root)) by.push(root);
        neededBy.set(name, by);
      }
      for (const dep of byName.get(name)?.dependsOn ?? []) stack.push(dep);
    }
  }
  return { included, neededBy };
}

/** Needed datasets that are not for `environment`: the run would be refused. */
export function outsideEnvironment(
  all: readonly SeedDatasetInfo[],
  included: ReadonlySet<string>,
  environment: Environment,
): SeedDatasetInfo[] {
  return all.filter((d) => included.has(d.name) && !d.environments.includes(environment));
}

/** A typed row count: the number, or why it is not one. Empty means the dataset's own. */
export function parseCount(text: string): { rows: number | null; error?: string } {
  const t = text.trim().replaceAll(",", "").replaceAll("_", "");
  if (t === "") return { rows: null };
  if (!/^\d+$/.test(t)) return { rows: null, error: "Type a whole number of rows, e.g. 1000." };
  const rows = Number(t);
  if (rows > MAX_ROWS) return { rows: null, error: `At most ${MAX_ROWS.toLocaleString("en-US")} rows from the form.` };
  return { rows };
}

/** The seed value typed: a whole number from 0 to 2^53-1. */
export function parseSeed(text: string): { seed: number | null; error?: string } {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { seed: null, error: "The seed value is a whole number, e.g. 1." };
  const seed = Number(t);
  if (!Number.isSafeInteger(seed)) return { seed: null, error: "The seed value is too large." };
  return { seed };
}

/** The form's state as the screen keeps it. */
export type FormState = {
  environment: Environment;
  /** The datasets the user ticked (their dependencies are added, not stored). */
  chosen: Set<string>;
  mode: Mode;
  seed: string;
  /** Typed row counts by generated dataset; missing or empty = the dataset's own count. */
  counts: Record<string, string>;
};

export function initialForm(all: readonly SeedDatasetInfo[], environment: Environment = "development"): FormState {
  return {
    environment,
    chosen: new Set(datasetsFor(all, environment).map((d) => d.name)),
    mode: "upsert",
    seed: "1",
    counts: {},
  };
}

/** Why the form cannot be sent yet, by field; empty when it can. */
export function formErrors(all: readonly SeedDatasetInfo[], state: FormState): Record<string, string> {
  const errors: Record<string, string> = {};
  const seed = parseSeed(state.seed);
  if (seed.error !== undefined) errors.seed = seed.error;
  for (const [name, text] of Object.entries(state.counts)) {
    const c = parseCount(text);
    if (c.error !== undefined) errors[`count:${name}`] = c.error;
  }
  if (state.chosen.size === 0) errors.datasets = "Tick at least one dataset.";
  const { included } = withDependencies(all, state.chosen);
  const outside = outsideEnvironment(all, included, state.environment);
  if (outside.length > 0) {
    errors.datasets = `${outside.map((d) => d.name).join(", ")} ${outside.length === 1 ? "is" : "are"} not for ${state.environment}: untick what needs ${outside.length === 1 ? "it" : "them"}, or choose another environment.`;
  }
  return errors;
}

/** The form the backend takes; call only when `formErrors` is empty. */
export function toSeedForm(all: readonly SeedDatasetInfo[], state: FormState): SeedForm {
  const generated = new Set(all.filter((d) => d.source === "generated").map((d) => d.name));
  const { included } = withDependencies(all, state.chosen);
  const counts = Object.entries(state.counts)
    .filter(([name]) => generated.has(name) && included.has(name))
    .map(([dataset, text]) => ({ dataset, rows: parseCount(text).rows }))
    .filter((c): c is { dataset: string; rows: number } => c.rows !== null);
  return {
    environment: state.environment,
    datasets: all.filter((d) => state.chosen.has(d.name)).map((d) => d.name),
    mode: state.mode,
    seed: parseSeed(state.seed).seed ?? 1,
    counts,
  };
}

/** What a profile restores. Its empty dataset list means every dataset of its environment. */
export function fromProfile(all: readonly SeedDatasetInfo[], profile: SeedProfileView): FormState {
  const f = profile.form;
  const known = new Set(all.map((d) => d.name));
  const chosen =
    f.datasets.length === 0
      ? new Set(datasetsFor(all, f.environment).map((d) => d.name))
      : new Set(f.datasets.filter((d) => known.has(d)));
  return {
    environment: f.environment,
    chosen,
    mode: f.mode,
    seed: String(f.seed),
    counts: Object.fromEntries(f.counts.map((c) => [c.dataset, String(c.rows)])),
  };
}

/** The form to save as a profile: "every dataset of the environment" is saved as such. */
export function toProfileForm(all: readonly SeedDatasetInfo[], state: FormState): SeedForm {
  const form = toSeedForm(all, state);
  const everyOne = datasetsFor(all, state.environment).map((d) => d.name);
  const all_ = everyOne.length === form.datasets.length && everyOne.every((n) => state.chosen.has(n));
  return all_ ? { ...form, datasets: [] } : form;
}

/** A profile name as the backend accepts it: lowercase letters, digits, '-' and '_'. */
export function profileNameError(name: string, existing: readonly string[]): string | undefined {
  if (name.trim() === "") return "Type a name, e.g. demo-small.";
  if (name.length > 64) return "Use at most 64 characters.";
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) {
    return "Use lowercase letters, digits, '-' and '_', starting with a letter or digit.";
  }
  const fold = (s: string) => s.toLowerCase().replaceAll("_", "-");
  const close = existing.find((e) => e !== name && fold(e) === fold(name));
  if (close !== undefined) return `Too close to the profile “${close}”: choose a clearly different name.`;
  return undefined;
}

/** A run needs the typed confirmation when it seeds production or a production database. */
export function confirmationWord(target: TimelineTarget, environment: Environment): string | null {
  if (environment !== "production" && target.tier !== "production") return target.protection.confirmName;
  return target.protection.confirmName ?? "production";
}

/** Why `target` cannot be seeded with `environment`, when it cannot. */
export function targetRefusal(target: TimelineTarget, environment: Environment): string | null {
  if (target.protection.readOnly) {
    return `${target.label} is read-only: unlock it for this session on the Connections screen, then come back.`;
  }
  if (target.tier === "production" && environment !== "production") {
    return `${target.label} is a production database: it takes only the datasets marked for production. Choose the production environment.`;
  }
  return null;
}

/** The secrets the included datasets name. */
export function neededSecrets(all: readonly SeedDatasetInfo[], included: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const d of all) {
    if (!included.has(d.name)) continue;
    for (const s of d.secrets) if (!out.includes(s)) out.push(s);
  }
  return out;
}
