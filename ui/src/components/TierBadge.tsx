import type { EnvironmentTier } from "../ipc/bindings";
import { tierLabel } from "../lib/format";
import { Badge, type BadgeTone } from "./Badge";

export const TIER_TONES: Record<EnvironmentTier, BadgeTone> = {
  development: "success",
  testing: "info",
  staging: "warning",
  production: "danger",
};

export function TierBadge({ tier }: { tier: EnvironmentTier }) {
  // Production is solid red everywhere it appears.
  return (
    <Badge tone={TIER_TONES[tier]} solid={tier === "production"}>
      {tierLabel(tier)}
    </Badge>
  );
}
