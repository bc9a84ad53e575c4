/**
 * The app's one icon set, drawn inline as strokes on a 24×24 grid (no icon fonts, nothing
 * remote). Every icon is decorative (`aria-hidden`): the word beside it carries the meaning,
 * so status is never told by an icon or a colour alone. `data-icon` names the drawing.
 */

/** Screens, objects and the search field, drawn at the regular weight. */
const SHAPES = {
  connections: ["M7 7h10v4a5 5 0 0 1-10 0z", "M10 3v4", "M14 3v4", "M12 16v5"],
  timeline: ["M6 5v14", "M6 7h.01", "M6 12h.01", "M6 17h.01", "M10 7h9", "M10 12h9", "M10 17h6"],
  schema: ["M4 4h6v5H4z", "M14 15h6v5h-6z", "M14 4h6v5h-6z", "M7 9v8.5h7", "M10 6.5h4"],
  seeds: ["M12 20v-8", "M12 12c0-4 3-7 7-7 0 4-3 7-7 7z", "M12 14c0-3-2.5-5.5-6-5.5 0 3 2.5 5.5 6 5.5z"],
  history: ["M3.5 12a8.5 8.5 0 1 0 2.5-6", "M3 4v4h4", "M12 8v4l3 2"],
  settings: ["M4 7h10", "M18 7h2", "M4 17h4", "M12 17h8", "M16 5v4", "M10 15v4"],
  search: ["M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14z", "M20 20l-4-4"],
  logo: ["M12 3l9 4.5-9 4.5-9-4.5z", "M3 12l9 4.5 9-4.5", "M3 16.5L12 21l9-4.5"],
  database: [
    "M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3z",
    "M4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6",
    "M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3",
  ],
} satisfies Record<string, string[]>;

const CIRCLE = "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z";

/** States, outcomes, protections and small actions: drawn heavier, at 12–16 px beside a word. */
const MARKS = {
  // A ticked circle: applied, done, succeeded, matches.
  ok: [CIRCLE, "M8 12.5l2.6 2.6L16 9.6"],
  failed: [CIRCLE, "M9 9l6 6", "M15 9l-6 6"],
  // A stop square: cancelled by the user.
  cancelled: [CIRCLE, "M9 9h6v6H9z"],
  // Half hatched, with a stop bar: some of it happened.
  partial: [CIRCLE, "M12 3v18", "M12 8h4", "M12 12h5", "M12 16h4"],
  partialRollback: [CIRCLE, "M12 3v18", "M8 12h-3", "M8 12l-2-2", "M8 12l-2 2"],
  // An open, dashed circle: nothing happened yet.
  pending: [
    "M12 3a9 9 0 0 1 4.5 1.2",
    "M20.8 10.2a9 9 0 0 1-.6 6",
    "M16.5 19.8a9 9 0 0 1-6 .9",
    "M5.6 18.4a9 9 0 0 1-2.4-5.6",
    "M4.2 7.5A9 9 0 0 1 7.5 4.2",
  ],
  // A clock: waiting its turn in a run.
  waiting: [CIRCLE, "M12 7v5l3 2"],
  running: ["M12 3a9 9 0 1 1-9 9", "M12 8v4", "M12 12l3 2"],
  // A circled dash: not run.
  skipped: [CIRCLE, "M8 12h8"],
  info: [CIRCLE, "M12 11v5", "M12 8h.01"],
  unknown: [CIRCLE, "M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6v.6", "M12 17h.01"],
  // A warning triangle: something to know before going on.
  alert: ["M12 3l10 18H2z", "M12 10v5", "M12 18h.01"],
  lock: ["M6 11h12v9H6z", "M8.5 11V8a3.5 3.5 0 0 1 7 0v3"],
  lockOpen: ["M6 11h12v9H6z", "M8.5 11V8a3.5 3.5 0 0 1 6.8-1.2"],
  // Two arrows crossing: out of sequence.
  outOfOrder: ["M4 7h13l-3-3", "M20 17H7l3 3", "M17 7l-3 3", "M7 17l3-3"],
  // A pencil over a line: edited since.
  modified: ["M4 20h4L19 9l-4-4L4 16z", "M13.5 6.5l4 4"],
  // Circular arrows: applied again on the next run.
  changed: ["M20 12a8 8 0 0 1-14 5.3", "M4 12a8 8 0 0 1 14-5.3", "M18 3v4h-4", "M6 21v-4h4"],
  // A page with a cross.
  missingFile: ["M6 3h8l4 4v14H6z", "M14 3v4h4", "M9.5 11.5l5 5", "M14.5 11.5l-5 5"],
  // An arrow down, crossed: no down part.
  noDown: ["M12 4v14", "M7 13l5 5 5-5", "M4 4l16 16"],
  // A shield, ticked or with an exclamation: in a transaction, or outside one.
  transaction: ["M12 3l7 3v6c0 4.5-3 7.5-7 9-4-1.5-7-4.5-7-9V6z", "M9 12l2 2 4-4"],
  noTransaction: ["M12 3l7 3v6c0 4.5-3 7.5-7 9-4-1.5-7-4.5-7-9V6z", "M12 8v5", "M12 16h.01"],
  up: ["M12 19V5", "M6 11l6-6 6 6"],
  down: ["M12 5v14", "M6 13l6 6 6-6"],
  menu: ["M6 12h.01", "M12 12h.01", "M18 12h.01"],
  plus: ["M12 5v14", "M5 12h14"],
  retry: ["M4 12a8 8 0 1 0 2.4-5.7", "M4 4v5h5"],
  close: ["M6 6l12 12", "M18 6L6 18"],
} satisfies Record<string, string[]>;

export type IconName = keyof typeof SHAPES | keyof typeof MARKS;

const PATHS: Record<IconName, readonly string[]> = { ...SHAPES, ...MARKS };

function strokeWidth(name: IconName): number {
  if (name === "menu") return 3; // its dots are round caps of zero-length lines
  return name in MARKS ? 2 : 1.75;
}

export function Icon({ name, size = 16 }: { name: IconName; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={strokeWidth(name)}
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
