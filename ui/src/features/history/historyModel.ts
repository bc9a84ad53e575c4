/**
 * The history screen's pure parts: the filter form and the `HistoryFilter` it becomes (an
 * empty choice means "all", as the backend reads empty lists), the words and icons for kinds
 * and outcomes (never colour alone), times and durations, and the targets a log names.
 */
import type { BadgeTone } from "../../components/Badge";
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

export const KIND_LABELS: Record<EventKind, string> = {
  apply: "apply",
  rollback: "roll back",
  repair: "repair",
  baseline: "baseline",
  adopt: "adopt",
  resolve: "resolve",
  seed: "seed",
};

export const KINDS = Object.keys(KIND_LABELS) as EventKind[];

export type OutcomeIcon = "ok" | "failed" | "partial" | "cancelled";

export const OUTCOMES: Record<EventOutcome, { label: string; tone: BadgeTone; icon: OutcomeIcon }> = {
  ok: { label: "ok", tone: "success", icon: "ok" },
  failed: { label: "failed", tone: "danger", icon: "failed" },
  partial: { label: "partial", tone: "warning", icon: "partial" },
  cancelled: { label: "cancelled", tone: "neutral", icon: "cancelled" },
};

export const OUTCOME_VALUES = Object.keys(OUTCOMES) as EventOutcome[];

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

const pad = (n: number) => String(n).padStart(2, "0");

/** "2025-01-01 10:00:03" in local time; the text as given when it is not a date. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "<1 ms", "340 ms", "2.4 s", "3 min 05 s"; "—" when unknown. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1) return "<1 ms";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${pad(Math.floor((ms % 60_000) / 1000))} s`;
}

/** A default file name for an export: "strata-history-shop.csv". */
export function exportFileName(project: string, format: "csv" | "json"): string {
  const slug = project.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
  return `strata-history${slug ? `-${slug}` : ""}.${format}`;
}
