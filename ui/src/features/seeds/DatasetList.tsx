/**
 * The datasets in dependency order, with a checkbox each. Ticking one includes what it needs,
 * shown ticked and locked with "needed by …"; a generated dataset takes a row count.
 */
import { Badge } from "../../components/Badge";
import type { Environment, SeedDatasetInfo } from "../../ipc/client";
import { parseCount } from "./form";

const SOURCE_LABELS = { rows: "rows", csv: "CSV", generated: "generated", sql: "SQL" } as const;

export function DatasetList({
  datasets,
  environment,
  chosen,
  included,
  neededBy,
  counts,
  onToggle,
  onCount,
}: {
  datasets: readonly SeedDatasetInfo[];
  environment: Environment;
  chosen: ReadonlySet<string>;
  included: ReadonlySet<string>;
  neededBy: ReadonlyMap<string, string[]>;
  counts: Record<string, string>;
  onToggle: (name: string, on: boolean) => void;
  onCount: (name: string, text: string) => void;
}) {
  const shown = datasets.filter((d) => d.environments.includes(environment) || included.has(d.name));
  return (
    <ul className="seeds-datasets" data-testid="seeds-datasets">
      {shown.map((d) => {
        const needed = neededBy.get(d.name);
        const locked = !chosen.has(d.name) && needed !== undefined;
        const inEnv = d.environments.includes(environment);
        const countText = counts[d.name] ?? "";
        const countError = parseCount(countText).error;
        const id = `seeds-dataset-${d.name}`;
        return (
          <li key={d.name} className={`seeds-dataset${included.has(d.name) ? " is-included" : ""}`}>
            <input
              id={id}
              type="checkbox"
              data-testid={id}
              checked={included.has(d.name)}
              disabled={locked}
              onChange={(e) => onToggle(d.name, e.target.checked)}
            />
            <label htmlFor={id} className="seeds-dataset__main">
              <span className="seeds-dataset__title">
                <span className="seeds-dataset__name">{d.name}</span>
                <span className="seeds-muted">→ {d.table}</span>
                <Badge>{SOURCE_LABELS[d.source]}</Badge>
                {d.owned && <Badge tone="info">owned</Badge>}
                {d.secrets.length > 0 && <Badge tone="warning" icon="lock">secret</Badge>}
                {!inEnv && (
                  <Badge tone="danger" icon="alert">
                    not for {environment}
                  </Badge>
                )}
              </span>
              {locked && <span className="seeds-dataset__needed">needed by {needed.join(", ")}</span>}
              {d.description !== null && <span className="seeds-muted">{d.description}</span>}
            </label>
            {d.source === "generated" ? (
              <span className="seeds-dataset__count">
                <input
                  className="input input--mono seeds-count"
                  data-testid={`seeds-count-${d.name}`}
                  aria-label={`Rows of ${d.name}`}
                  aria-invalid={countError !== undefined || undefined}
                  inputMode="numeric"
                  placeholder={d.rows.toLocaleString("en-US")}
                  value={countText}
                  disabled={!included.has(d.name)}
                  onChange={(e) => onCount(d.name, e.target.value)}
                />
                <span className="seeds-muted">rows</span>
                {countError !== undefined && (
                  <span className="seeds-dataset__error" role="alert">
                    ⚠ {countError}
                  </span>
                )}
              </span>
            ) : (
              <span className="seeds-muted seeds-dataset__rows">
                {d.source === "sql" ? "SQL" : `${d.rows.toLocaleString("en-US")} rows`}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
