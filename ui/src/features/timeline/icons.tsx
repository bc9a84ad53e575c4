/**
 * The timeline's own icons (state glyphs, menu, plus, retry), drawn like components/Icon:
 * inline strokes, `aria-hidden`, always next to a text label that carries the meaning.
 */
export type TimelineIconName =
  | "applied"
  | "pending"
  | "outOfOrder"
  | "modified"
  | "changed"
  | "missingFile"
  | "partial"
  | "partialRollback"
  | "unknown"
  | "menu"
  | "plus"
  | "retry"
  | "close"
  | "noDown"
  | "noTransaction";

const PATHS: Record<TimelineIconName, string[]> = {
  // A ticked circle.
  applied: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M8 12.5l2.6 2.6L16 9.6"],
  // An open, dashed circle: nothing happened yet.
  pending: [
    "M12 3a9 9 0 0 1 4.5 1.2",
    "M20.8 10.2a9 9 0 0 1-.6 6",
    "M16.5 19.8a9 9 0 0 1-6 .9",
    "M5.6 18.4a9 9 0 0 1-2.4-5.6",
    "M4.2 7.5A9 9 0 0 1 7.5 4.2",
  ],
  // Two arrows crossing: out of sequence.
  outOfOrder: ["M4 7h13l-3-3", "M20 17H7l3 3", "M17 7l-3 3", "M7 17l3-3"],
  // A pencil over a line: edited since.
  modified: ["M4 20h4L19 9l-4-4L4 16z", "M13.5 6.5l4 4"],
  // Circular arrows: applied again on the next run.
  changed: ["M20 12a8 8 0 0 1-14 5.3", "M4 12a8 8 0 0 1 14-5.3", "M18 3v4h-4", "M6 21v-4h4"],
  // A page with a cross.
  missingFile: ["M6 3h8l4 4v14H6z", "M14 3v4h4", "M9.5 11.5l5 5", "M14.5 11.5l-5 5"],
  // A half-filled circle with a stop bar.
  partial: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M12 3v18", "M12 8h4", "M12 12h5", "M12 16h4"],
  partialRollback: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M12 3v18", "M8 12h-3", "M8 12l-2-2", "M8 12l-2 2"],
  unknown: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6v.6", "M12 17h.01"],
  menu: ["M6 12h.01", "M12 12h.01", "M18 12h.01"],
  plus: ["M12 5v14", "M5 12h14"],
  retry: ["M4 12a8 8 0 1 0 2.4-5.7", "M4 4v5h5"],
  close: ["M6 6l12 12", "M18 6L6 18"],
  // An arrow down, crossed: no down part.
  noDown: ["M12 4v14", "M7 13l5 5 5-5", "M4 4l16 16"],
  // A bracket pair with a slash: outside a transaction.
  noTransaction: ["M8 4H5v16h3", "M16 4h3v16h-3", "M14 8l-4 8"],
};

export function TimelineIcon({ name, size = 14 }: { name: TimelineIconName; size?: number }) {
  const heavy = name === "menu";
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={heavy ? 3 : 1.9}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[name].map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}
