/**
 * The command palette: a modal combobox. Typing filters (fuzzy), arrows move,
 * Enter or a click runs, Escape closes. Focus stays inside while it is open
 * and returns to where it was when it closes. It knows nothing of what the
 * commands do: the app hands it the list.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import { Kbd } from "../../components/Kbd";
import { fuzzyFilter } from "../../lib/fuzzy";
import "./palette.css";

export type PaletteCommand = {
  id: string;
  title: string;
  group: string;
  keywords?: readonly string[];
  shortcut?: readonly string[];
  /** Marks the command matching the current state (the open screen, the theme in use). */
  current?: boolean;
  run: () => void;
};

const FOCUSABLE = 'input, button, [href], [tabindex]:not([tabindex="-1"])';

export function CommandPalette({
  commands,
  onClose,
}: {
  commands: readonly PaletteCommand[];
  onClose: () => void;
}) {
  const [query, setQuery] = useState("");
  const [activeIndex, setActiveIndex] = useState(0);
  const dialogRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const baseId = useId();
  const listId = `${baseId}-list`;

  const results = fuzzyFilter(commands, query);
  const active = results.length === 0 ? -1 : Math.min(activeIndex, results.length - 1);
  const activeCommand = active >= 0 ? results[active] : undefined;
  const optionId = (index: number) => `${baseId}-option-${index}`;

  // Take focus on open; give it back on close.
  useLayoutEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    inputRef.current?.focus();
    return () => {
      if (previous?.isConnected) previous.focus();
    };
  }, []);

  // Keep the active option visible while arrowing through a long list.
  useEffect(() => {
    const option = active >= 0 ? listRef.current?.children.item(active) : null;
    if (option && typeof option.scrollIntoView === "function") {
      option.scrollIntoView({ block: "nearest" });
    }
  }, [active]);

  function run(command: PaletteCommand) {
    onClose();
    command.run();
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    switch (event.key) {
      case "Escape":
        event.preventDefault();
        event.stopPropagation();
        onClose();
        return;
      case "ArrowDown":
      case "ArrowUp": {
        event.preventDefault();
        if (results.length === 0) return;
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActiveIndex((active + step + results.length) % results.length);
        return;
      }
      case "Home":
      case "End":
        if (event.target !== inputRef.current || !event.ctrlKey) return;
        event.preventDefault();
        setActiveIndex(event.key === "Home" ? 0 : Math.max(results.length - 1, 0));
        return;
      case "Enter":
        event.preventDefault();
        if (activeCommand) run(activeCommand);
        return;
      case "Tab": {
        // Trap focus inside the dialog.
        const focusables = Array.from(
          dialogRef.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [],
        ).filter((el) => !el.hasAttribute("disabled"));
        if (focusables.length === 0) return;
        const first = focusables[0];
        const last = focusables[focusables.length - 1];
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last?.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first?.focus();
        }
        return;
      }
    }
  }

  return (
    <div
      className="palette-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={dialogRef}
        className="palette"
        role="dialog"
        aria-modal="true"
        aria-label="Command palette"
        data-testid="command-palette"
        onKeyDown={onKeyDown}
      >
        <div className="palette__search">
          <input
            ref={inputRef}
            className="palette__input"
            data-testid="command-palette-input"
            type="text"
            role="combobox"
            aria-expanded="true"
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={active >= 0 ? optionId(active) : undefined}
            aria-label="Search commands"
            placeholder="Type a command or a screen…"
            autoComplete="off"
            spellCheck={false}
            value={query}
            onChange={(event) => {
              setQuery(event.target.value);
              setActiveIndex(0);
            }}
          />
        </div>
        <ul ref={listRef} id={listId} className="palette__list" role="listbox" aria-label="Commands">
          {results.map((command, index) => (
            <li
              key={command.id}
              id={optionId(index)}
              role="option"
              aria-selected={index === active}
              className="palette__option"
              onMouseMove={() => {
                if (index !== active) setActiveIndex(index);
              }}
              onClick={() => run(command)}
            >
              <span className="palette__group">{command.group}</span>
              <span className="palette__title">{command.title}</span>
              {command.current && <span className="palette__current">current</span>}
              {command.shortcut && <Kbd keys={command.shortcut} />}
            </li>
          ))}
        </ul>
        {results.length === 0 && (
          <p className="palette__empty" role="status">
            No command matches “{query.trim()}”.
          </p>
        )}
        <footer className="palette__footer" aria-hidden="true">
          <span>
            <kbd className="kbd">↑</kbd>
            <kbd className="kbd">↓</kbd> move
          </span>
          <span>
            <kbd className="kbd">Enter</kbd> run
          </span>
          <span>
            <kbd className="kbd">Esc</kbd> close
          </span>
        </footer>
      </div>
    </div>
  );
}
