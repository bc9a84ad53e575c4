/**
 * The detail pane's status glyphs, drawn like components/Icon (stroked, inline, aria-hidden):
 * always beside a text label, never in place of one.
 */
export type StatusIconName = "ok" | "failed" | "partial" | "cancelled" | "info" | "warning" | "close";

const PATHS: Record<StatusIconName, string[]> = {
  ok: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M8 12.5l2.7 2.7L16 9.8"],
  failed: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M9 9l6 6", "M15 9l-6 6"],
  partial: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M12 3v18", "M12 7h5", "M12 12h8.5", "M12 17h5"],
  cancelled: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M9 9h6v6H9z"],
  info: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M12 11v5", "M12 8h.01"],
  warning: ["M12 3l10 18H2z", "M12 10v5", "M12 18h.01"],
  close: ["M6 6l12 12", "M18 6L6 18"],
};

export function StatusIcon({ name, size = 14 }: { name: StatusIconName; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      data-icon={name}
    >
      {PATHS[name].map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}
