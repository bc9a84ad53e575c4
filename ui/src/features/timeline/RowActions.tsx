/**
 * A migration's actions menu: a button that opens, above everything (a portal, so the
 * virtualised list cannot clip it), one group per target with Apply up to here, Roll back to
 * here, Redo, Baseline, Repair, Resolve. Items that cannot be taken stay in the menu, marked
 * disabled with the reason written under them (not told by colour alone). Arrow keys move,
 * Escape closes and returns focus to the button. Used on every row and in the detail pane's
 * header; the options are only computed while the menu is open.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type RefObject } from "react";
import { createPortal } from "react-dom";
import { Icon } from "../../components/Icon";
import type { Timeline } from "../../ipc/client";
import { cellActions, type TargetFacts, type TimelineAction } from "./actions";

export function RowActions({
  project,
  timeline,
  facts,
  rowIndex,
  onAction,
  label,
  inList = false,
}: {
  project: string;
  timeline: Timeline;
  facts: readonly TargetFacts[];
  /** Index into `timeline.rows`. */
  rowIndex: number;
  onAction: (action: TimelineAction) => void;
  /** Visible text next to the icon (the detail pane's "Actions"); icon only when absent. */
  label?: string;
  /** In the list: out of the Tab order (the list's keyboard opens it: Shift+F10). */
  inList?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const row = timeline.rows[rowIndex];
  if (!row) return null;
  const name = `Actions for ${row.version} ${row.name}`;
  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className={`tl-menu-button${label ? " btn btn--secondary btn--sm" : ""}`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={label ? undefined : name}
        title={label ? undefined : name}
        tabIndex={inList ? -1 : 0}
        data-testid={`row-actions-${row.version}`}
        onClick={(event) => {
          event.stopPropagation();
          setOpen((was) => !was);
        }}
      >
        <Icon name="menu" size={16} />
        {label && <span>{label}</span>}
      </button>
      {open && (
        <ActionMenu
          anchor={buttonRef}
          label={name}
          project={project}
          timeline={timeline}
          facts={facts}
          rowIndex={rowIndex}
          onClose={(returnFocus) => {
            setOpen(false);
            if (returnFocus) buttonRef.current?.focus();
          }}
          onAction={onAction}
        />
      )}
    </>
  );
}

function ActionMenu({
  anchor,
  label,
  project,
  timeline,
  facts,
  rowIndex,
  onClose,
  onAction,
}: {
  anchor: RefObject<HTMLButtonElement | null>;
  label: string;
  project: string;
  timeline: Timeline;
  facts: readonly TargetFacts[];
  rowIndex: number;
  onClose: (returnFocus: boolean) => void;
  onAction: (action: TimelineAction) => void;
}) {
  const menuRef = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState<{ top: number; left: number } | null>(null);
  const ids = useId();

  // Place it under the button (above when there is no room), right-aligned, inside the window.
  useLayoutEffect(() => {
    const button = anchor.current;
    const menu = menuRef.current;
    if (!button || !menu) return;
    const at = button.getBoundingClientRect();
    const height = menu.offsetHeight;
    const width = menu.offsetWidth;
    const below = at.bottom + 4;
    const above = at.top - height - 4;
    const top =
      below + height <= window.innerHeight ? below : above >= 8 ? above : Math.max(8, window.innerHeight - height - 8);
    const left = Math.max(8, Math.min(at.right - width, window.innerWidth - width - 8));
    setPosition({ top, left });
    const first =
      menu.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])') ??
      menu.querySelector<HTMLElement>('[role="menuitem"]');
    first?.focus();
  }, [anchor]);

  // Clicks elsewhere, and scrolling or resizing (the menu would float away), close it.
  useEffect(() => {
    const inside = (target: EventTarget | null) =>
      target instanceof Node && (menuRef.current?.contains(target) || anchor.current?.contains(target));
    const onDown = (event: MouseEvent) => {
      if (!inside(event.target)) onClose(false);
    };
    const onScroll = (event: Event) => {
      if (!inside(event.target)) onClose(false);
    };
    const onResize = () => onClose(false);
    document.addEventListener("mousedown", onDown);
    window.addEventListener("scroll", onScroll, true);
    window.addEventListener("resize", onResize);
    return () => {
      document.removeEventListener("mousedown", onDown);
      window.removeEventListener("scroll", onScroll, true);
      window.removeEventListener("resize", onResize);
    };
  }, [anchor, onClose]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const items = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => {
      event.preventDefault();
      items[(to + items.length) % items.length]?.focus();
    };
    switch (event.key) {
      case "ArrowDown":
        return move(at + 1);
      case "ArrowUp":
        return move(at - 1);
      case "Home":
        return move(0);
      case "End":
        return move(items.length - 1);
      case "Escape":
        event.preventDefault();
        event.stopPropagation();
        return onClose(true);
      case "Tab":
        return onClose(false);
    }
  }

  return createPortal(
    <div
      ref={menuRef}
      className="tl-menu"
      role="menu"
      aria-label={label}
      data-testid="row-actions-menu"
      style={position ? { top: position.top, left: position.left } : { visibility: "hidden" }}
      onKeyDown={onKeyDown}
      onClick={(event) => event.stopPropagation()}
    >
      {timeline.targets.map((target, t) => {
        const groupId = `${ids}-${t}`;
        return (
          <div key={target.id} role="group" aria-labelledby={groupId} className="tl-menu__group">
            <div id={groupId} className="tl-menu__heading">
              <span>{target.label}</span>
              {target.protection.readOnly && (
                <span className="tl-menu__tag">
                  <Icon name="lock" size={12} /> read-only
                </span>
              )}
              {!target.protection.readOnly && target.protection.confirmName !== null && (
                <span className="tl-menu__tag">
                  <Icon name="lock" size={12} /> confirm by name
                </span>
              )}
            </div>
            {cellActions(project, timeline, facts, rowIndex, t).map((option) => {
              const reasonId = `${groupId}-${option.id}`;
              const disabled = option.action === null;
              return (
                <button
                  key={option.id}
                  type="button"
                  role="menuitem"
                  className="tl-menu__item"
                  aria-disabled={disabled || undefined}
                  aria-describedby={disabled ? reasonId : undefined}
                  title={option.reason ?? undefined}
                  data-testid={`action-${option.id}-${target.id}`}
                  tabIndex={-1}
                  onClick={() => {
                    if (option.action === null) return;
                    onClose(false);
                    onAction(option.action);
                  }}
                >
                  <span>{option.label}</span>
                  {disabled && (
                    <span id={reasonId} className="tl-menu__reason">
                      {option.reason}
                    </span>
                  )}
                </button>
              );
            })}
          </div>
        );
      })}
      {timeline.targets.length === 0 && (
        <p className="tl-menu__empty">No database is attached to this project, so there is nothing to run.</p>
      )}
    </div>,
    document.body,
  );
}
