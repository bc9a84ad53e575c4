/** A small stroked icon set drawn inline (no icon fonts, nothing remote). */
export type IconName =
  | "connections"
  | "timeline"
  | "schema"
  | "seeds"
  | "history"
  | "settings"
  | "search"
  | "logo"
  | "database"
  | "alert"
  | "lock";

const PATHS: Record<IconName, string[]> = {
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
  alert: ["M12 3l10 18H2z", "M12 10v5", "M12 18h.01"],
  lock: ["M6 11h12v9H6z", "M8.5 11V8a3.5 3.5 0 0 1 7 0v3"],
};

export function Icon({ name, size = 16 }: { name: IconName; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.75}
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
