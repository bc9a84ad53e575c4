/** An event's outcome as a badge: an icon and its word, the colour only reinforcing them. */
import { Badge } from "../../components/Badge";
import type { EventOutcome } from "../../ipc/client";
import { OUTCOMES, type OutcomeIcon } from "./historyModel";

const PATHS: Record<OutcomeIcon, string[]> = {
  ok: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M8 12.5l2.5 2.5L16 9.5"],
  failed: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M9 9l6 6", "M15 9l-6 6"],
  partial: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M12 3v18", "M12 3a9 9 0 0 1 0 18z"],
  cancelled: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M9 9h6v6H9z"],
};

export function OutcomeBadge({ outcome }: { outcome: EventOutcome }) {
  const info = OUTCOMES[outcome];
  return (
    <Badge tone={info.tone}>
      <svg
        className="icon history-outcome-icon"
        width={13}
        height={13}
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth={2}
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
        focusable="false"
      >
        {PATHS[info.icon].map((d) => (
          <path key={d} d={d} />
        ))}
      </svg>{" "}
      {info.label}
    </Badge>
  );
}
