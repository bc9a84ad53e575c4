/**
 * The history screen's pure parts: the filter form and the `HistoryFilter` it becomes (an
 * empty choice means "all", as the backend reads empty lists), the targets a log names and
 * the export's file name. The words for kinds, outcomes, times and durations are lib/format's.
 */
import type { EnvironmentTier } from "../../ipc/bindings";
import type { EventKind, EventOutcome, HistoryFilter, HistoryLog } from "../../ipc/client";

export type FilterForm = {
  target: string;
  kind: EventKind | "";
  outcome: EventOutcome | "";
  migration: string;
};

export const EMPTY_FORM: FilterForm = { target: "", kind: "", outcome: "", migration: "" };

export function toFilter(form: FilterForm): HistoryFilter {
  const migration = form.migration.trim();
  return {
    targets: form.target ? [form.target] : [],
    kinds: form.kind ? [form.kind] : [],
    outcomes: form.outcome ? [form.outcome] : [],
    migration: migration === "" ? null : migration,
  };
}

export function isFiltered(form: FilterForm): boolean {
  return form.target !== "" || form.kind !== "" || form.outcome !== "" || form.migration.trim() !== "";
}

export type KnownTarget = { id: string; label: string; tier: EnvironmentTier | null };

/** The targets `log` names (events and unreadable ones), added to `known`, in first-seen order. */
export function mergeTargets(known: readonly KnownTarget[], log: HistoryLog): KnownTarget[] {
  const out = known.slice();
  const has = new Set(out.map((t) => t.id));
  for (const e of log.events) {
    if (!has.has(e.target)) {
      has.add(e.target);
      out.push({ id: e.target, label: e.targetLabel, tier: e.tier });
    }
  }
  for (const f of log.failures) {
    if (!has.has(f.target)) {
      has.add(f.target);
      out.push({ id: f.target, label: f.targetLabel, tier: null });
    }
  }
  return out;
}

/** A default file name for an export: "strata-history-shop.csv". */
export function exportFileName(project: string, format: "csv" | "json"): string {
  const slug = project.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
  return `strata-history${slug ? `-${slug}` : ""}.${format}`;
}
