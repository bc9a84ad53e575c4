/**
 * The Checks tab: what to know before running the migration, each with its level as an icon
 * and a word, what it is about, where (part and line, a link into the SQL tab) and which
 * engine it concerns.
 */
import { Badge } from "../../../components/Badge";
import { EmptyState } from "../../../components/EmptyState";
import { Icon } from "../../../components/Icon";
import type { Check } from "../../../ipc/client";
import { engineName } from "../../../lib/format";
import { CHECK_KIND_LABELS, CHECK_LEVEL_LABELS, checkPlace, type Part } from "./detail";
import { VirtualList } from "./VirtualList";

export function ChecksTab({
  checks,
  canShow,
  onShow,
}: {
  checks: readonly Check[];
  /** Whether the SQL tab has this part (a missing file has no lines to show). */
  canShow: (part: Part) => boolean;
  onShow: (part: Part, line: number) => void;
}) {
  if (checks.length === 0) {
    return (
      <EmptyState title="No checks" icon={<Icon name="ok" size={28} />}>
        <p>Nothing to know before running this migration: it runs in a transaction and can be rolled back.</p>
      </EmptyState>
    );
  }
  return (
    <VirtualList
      className="checks"
      label="Checks"
      items={checks}
      estimateSize={72}
      measure
      getKey={(c, i) => `${c.kind}-${c.direction ?? ""}-${c.line ?? ""}-${i}`}
      renderItem={(check) => {
        const place = checkPlace(check.direction, check.line);
        const direction = check.direction;
        const line = check.line;
        const warning = check.level === "warning";
        return (
          <div className="check" data-testid="detail-check" data-level={check.level}>
            <Badge tone={warning ? "warning" : "info"} icon={warning ? "alert" : "info"}>
              {CHECK_LEVEL_LABELS[check.level]}
            </Badge>
            <div className="check__body">
              <p className="check__title">{CHECK_KIND_LABELS[check.kind]}</p>
              <p className="check__message">{check.message}</p>
              <p className="check__meta">
                {place !== null && <span>{place}</span>}
                <span>{check.engine === null ? "Every engine" : `${engineName(check.engine)} only`}</span>
                {direction !== null && line !== null && canShow(direction) && (
                  <button type="button" className="link-button" onClick={() => onShow(direction, line)}>
                    Show in SQL
                  </button>
                )}
              </p>
            </div>
          </div>
        );
      }}
    />
  );
}
