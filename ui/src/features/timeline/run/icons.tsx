/**
 * The run view's own stroked icons (the shared set has none for run states). Always
 * decorative: the text beside each one says the same thing.
 */
export type RunIconName =
  | "pending"
  | "running"
  | "done"
  | "failed"
  | "cancelled"
  | "skipped"
  | "up"
  | "down"
  | "transaction"
  | "noTransaction"
  | "irreversible"
  | "lockFree"
  | "lockHeld";

const PATHS: Record<RunIconName, string[]> = {
  pending: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M12 7v5l3 2"],
  running: ["M12 3a9 9 0 1 1-9 9", "M12 8v4", "M12 12l3 2"],
  done: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M8 12.5l2.5 2.5L16 9.5"],
  failed: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M9 9l6 6", "M15 9l-6 6"],
  cancelled: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M9 9h6v6H9z"],
  skipped: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M8 12h8"],
  up: ["M12 19V5", "M6 11l6-6 6 6"],
  down: ["M12 5v14", "M6 13l6 6 6-6"],
  transaction: ["M12 3l7 3v6c0 4.5-3 7.5-7 9-4-1.5-7-4.5-7-9V6z", "M9 12l2 2 4-4"],
  noTransaction: ["M12 3l7 3v6c0 4.5-3 7.5-7 9-4-1.5-7-4.5-7-9V6z", "M12 8v5", "M12 16h.01"],
  irreversible: ["M12 3l10 18H2z", "M12 10v5", "M12 18h.01"],
  lockFree: ["M6 11h12v9H6z", "M8.5 11V8a3.5 3.5 0 0 1 6.8-1.2"],
  lockHeld: ["M6 11h12v9H6z", "M8.5 11V8a3.5 3.5 0 0 1 7 0v3"],
};

export function RunIcon({ name, size = 15 }: { name: RunIconName; size?: number }) {
  return (
    <svg
      className={`icon run-icon run-icon--${name}`}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.9}
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
