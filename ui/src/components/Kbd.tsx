/** A keyboard shortcut, e.g. keys={["Ctrl", "K"]}; read out as "Ctrl+K". */
export function Kbd({ keys }: { keys: readonly string[] }) {
  return (
    <span className="kbd-group">
      <span className="sr-only">{keys.join("+")}</span>
      {keys.map((key) => (
        <kbd key={key} className="kbd" aria-hidden="true">
          {key}
        </kbd>
      ))}
    </span>
  );
}
