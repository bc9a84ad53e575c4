/**
 * One labelled choice of the History screen (a filter, or the project): a visible label over a
 * select whose options are all given, the "any" one included, so the value shown is always
 * one of them and `onChange` only ever reports one of theirs.
 */
export type SelectOption<V extends string> = { value: V; label: string; title?: string };

export function FilterSelect<V extends string>({
  label,
  testId,
  value,
  options,
  onChange,
  className = "history-filter",
}: {
  label: string;
  testId: string;
  value: V;
  options: readonly SelectOption<V>[];
  onChange: (value: V) => void;
  className?: string;
}) {
  return (
    <label className={className}>
      <span className="history-filter__label">{label}</span>
      <select
        className="select"
        data-testid={testId}
        value={value}
        onChange={(event) => {
          const picked = options.find((o) => o.value === event.target.value);
          if (picked) onChange(picked.value);
        }}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value} title={o.title}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
