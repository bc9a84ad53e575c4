/** The filter bar: target, kind, outcome and migration text; every control labelled. */
import { Button } from "../../components/Button";
import type { EventKind, EventOutcome } from "../../ipc/client";
import { tierLabel } from "../../lib/format";
import {
  EMPTY_FORM,
  KINDS,
  KIND_LABELS,
  OUTCOMES,
  OUTCOME_VALUES,
  isFiltered,
  type FilterForm,
  type KnownTarget,
} from "./historyModel";

export function HistoryFilters({
  form,
  targets,
  onChange,
}: {
  form: FilterForm;
  targets: readonly KnownTarget[];
  onChange: (form: FilterForm) => void;
}) {
  return (
    <div className="history-filters" role="search" aria-label="Filter the event log">
      <label className="history-filter">
        <span className="history-filter__label">Target</span>
        <select
          className="select"
          data-testid="history-filter-target"
          value={form.target}
          onChange={(event) => onChange({ ...form, target: event.target.value })}
        >
          <option value="">Any target</option>
          {targets.map((t) => (
            <option key={t.id} value={t.id}>
              {t.tier ? `${t.label} (${tierLabel(t.tier)})` : t.label}
            </option>
          ))}
        </select>
      </label>
      <label className="history-filter">
        <span className="history-filter__label">Kind</span>
        <select
          className="select"
          data-testid="history-filter-kind"
          value={form.kind}
          onChange={(event) => onChange({ ...form, kind: event.target.value as EventKind | "" })}
        >
          <option value="">Any kind</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      <label className="history-filter">
        <span className="history-filter__label">Outcome</span>
        <select
          className="select"
          data-testid="history-filter-outcome"
          value={form.outcome}
          onChange={(event) => onChange({ ...form, outcome: event.target.value as EventOutcome | "" })}
        >
          <option value="">Any outcome</option>
          {OUTCOME_VALUES.map((o) => (
            <option key={o} value={o}>
              {OUTCOMES[o].label}
            </option>
          ))}
        </select>
      </label>
      <label className="history-filter history-filter--grow">
        <span className="history-filter__label">Migration</span>
        <input
          className="input"
          type="search"
          data-testid="history-filter-migration"
          placeholder="Version or name"
          value={form.migration}
          onChange={(event) => onChange({ ...form, migration: event.target.value })}
        />
      </label>
      {isFiltered(form) && (
        <Button
          size="sm"
          variant="ghost"
          className="history-filters__clear"
          data-testid="history-filter-clear"
          onClick={() => onChange(EMPTY_FORM)}
        >
          Clear filters
        </Button>
      )}
    </div>
  );
}
