/** The filter bar: target, kind, outcome and migration text; every control labelled. */
import { Button } from "../../components/Button";
import type { EventKind, EventOutcome } from "../../ipc/client";
import { EVENT_KINDS, EVENT_OUTCOMES, eventKindLabel, outcomeLabel, tierLabel } from "../../lib/format";
import { FilterSelect } from "./FilterSelect";
import { EMPTY_FORM, isFiltered, type FilterForm, type KnownTarget } from "./historyModel";

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
      <FilterSelect
        label="Target"
        testId="history-filter-target"
        value={form.target}
        options={[
          { value: "", label: "Any target" },
          ...targets.map((t) => ({ value: t.id, label: t.tier ? `${t.label} (${tierLabel(t.tier)})` : t.label })),
        ]}
        onChange={(target) => onChange({ ...form, target })}
      />
      <FilterSelect<EventKind | "">
        label="Kind"
        testId="history-filter-kind"
        value={form.kind}
        options={[
          { value: "", label: "Any kind" },
          ...EVENT_KINDS.map((k) => ({ value: k, label: eventKindLabel(k) })),
        ]}
        onChange={(kind) => onChange({ ...form, kind })}
      />
      <FilterSelect<EventOutcome | "">
        label="Outcome"
        testId="history-filter-outcome"
        value={form.outcome}
        options={[
          { value: "", label: "Any outcome" },
          ...EVENT_OUTCOMES.map((o) => ({ value: o, label: outcomeLabel(o) })),
        ]}
        onChange={(outcome) => onChange({ ...form, outcome })}
      />
      <label className="history-filter history-filter--grow">
        <span className="history-filter__label">Migration or dataset</span>
        <input
          className="input"
          type="search"
          data-testid="history-filter-migration"
          placeholder="Version, name or seed dataset"
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
