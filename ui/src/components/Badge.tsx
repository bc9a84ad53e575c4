/** A status label. Always carries text: an icon and the colour only reinforce it. */
import type { ReactNode } from "react";
import { Icon, type IconName } from "./Icon";

export type BadgeTone = "neutral" | "accent" | "success" | "info" | "warning" | "danger";

/** A badge's icon size: it sits inside the 20 px pill beside 11.5 px text. */
const BADGE_ICON_PX = 12;

export function Badge({
  tone = "neutral",
  icon,
  children,
  title,
  solid = false,
}: {
  tone?: BadgeTone;
  /** Drawn before the text. */
  icon?: IconName;
  children: ReactNode;
  title?: string;
  solid?: boolean;
}) {
  return (
    <span className={`badge badge--${tone}${solid ? " badge--solid" : ""}`} title={title}>
      {icon !== undefined && <Icon name={icon} size={BADGE_ICON_PX} />}
      {children}
    </span>
  );
}
