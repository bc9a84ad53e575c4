/**
 * An event's outcome (ok, failed, partial, cancelled) as a badge: its icon and its word, the
 * tone only reinforcing them. The one look for an outcome, wherever an event is listed.
 */
import type { EventOutcome } from "../ipc/bindings";
import { outcomeLabel } from "../lib/format";
import { Badge, type BadgeTone } from "./Badge";
import type { IconName } from "./Icon";

const LOOKS: Record<EventOutcome, { tone: BadgeTone; icon: IconName }> = {
  ok: { tone: "success", icon: "ok" },
  failed: { tone: "danger", icon: "failed" },
  partial: { tone: "warning", icon: "partial" },
  cancelled: { tone: "neutral", icon: "cancelled" },
};

export function OutcomeBadge({ outcome }: { outcome: EventOutcome }) {
  const look = LOOKS[outcome];
  return (
    <Badge tone={look.tone} icon={look.icon}>
      {outcomeLabel(outcome)}
    </Badge>
  );
}
