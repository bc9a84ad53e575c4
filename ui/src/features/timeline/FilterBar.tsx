/** The timeline's filter: a state (in any target), a text search and how many rows pass. */
import { Icon } from "../../components/Icon";
import { STATE_FILTERS, type StateFilter, type TimelineFilter } from "./state";

export function FilterBar({
  filter,
  onChange,
  count,
}: {
  filter: TimelineFilter;
  onChange: (filter: TimelineFilter) => void;
  /** "12 of 5,000 migrations" */
  count: string;
}) {
  return (
    <div className="tl-filter" role="search" aria-label="Filter migrations">
      <label className="tl-filter__state">
        <span className="sr-only">State in any database</span>
        <select
          className="select"
          data-testid="timeline-filter-state"
          value={filter.state}
          onChange={(event) => onChange({ ...filter, state: event.target.value as StateFilter })}
        >
          {STATE_FILTERS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </label>
      <label className="tl-filter__text">
        <Icon name="search" size={14} />
        <span className="sr-only">Search version, name, description or author</span>
        <input
          className="input"
          type="search"
          data-testid="timeline-filter-text"
          placeholder="Version, name, description, author"
          value={filter.text}
          onChange={(event) => onChange({ ...filter, text: event.target.value })}
        />
      </label>
      <span className="tl-filter__count" data-testid="timeline-count" aria-live="polite">
        {count}
      </span>
    </div>
  );
}
