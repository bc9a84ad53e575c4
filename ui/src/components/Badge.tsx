import type { ReactNode } from "react";

export type BadgeTone = "neutral" | "accent" | "success" | "info" | "warning" | "danger";

/** A status label. Always carries text: colour only reinforces it. */
export function Badge({
  tone = "neutral",
  children,
  title,
  solid = false,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  title?: string;
  solid?: boolean;
}) {
  return (
    <span className={`badge badge--${tone}${solid ? " badge--solid" : ""}`} title={title}>
      {children}
    </span>
  );
}
