/**
 * Modal focus: while the element is mounted, focus starts inside it, Tab and Shift+Tab cycle
 * within it, Escape calls `onEscape`, and focus returns to where it was when it unmounts.
 * The keys are heard on the document, for the topmost trap only, so Escape still closes a
 * modal after its focused control was disabled or removed (focus then falls to the body).
 */
import { useEffect, useLayoutEffect, useRef, type RefObject } from "react";

const FOCUSABLE = [
  "a[href]",
  "button:not([disabled])",
  "input:not([disabled]):not([type=hidden])",
  "select:not([disabled])",
  "textarea:not([disabled])",
  "summary",
  '[tabindex]:not([tabindex="-1"])',
].join(",");

/** The mounted traps, in the order they opened. */
const open: HTMLElement[] = [];

/** The trap that owns the keyboard: the last opened of those with no open trap inside them. */
function topmost(): HTMLElement | undefined {
  const leaves = open.filter((t) => !open.some((o) => o !== t && t.contains(o)));
  return leaves[leaves.length - 1];
}

export function focusableIn(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE));
}

export function useFocusTrap(
  ref: RefObject<HTMLElement | null>,
  onEscape: () => void,
  initialFocus?: RefObject<HTMLElement | null>,
) {
  const escape = useRef(onEscape);
  useEffect(() => {
    escape.current = onEscape;
  });

  useLayoutEffect(() => {
    const root = ref.current;
    if (!root) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    (initialFocus?.current ?? focusableIn(root)[0] ?? root).focus();

    function onKeyDown(event: KeyboardEvent) {
      if (!root || topmost() !== root) return;
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        escape.current();
        return;
      }
      if (event.key !== "Tab") return;
      const focusables = focusableIn(root);
      const first = focusables[0];
      const last = focusables[focusables.length - 1];
      if (!first || !last) {
        event.preventDefault();
        return;
      }
      const active = document.activeElement;
      if (event.shiftKey && (active === first || !root.contains(active))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (active === last || !root.contains(active))) {
        event.preventDefault();
        first.focus();
      }
    }

    open.push(root);
    document.addEventListener("keydown", onKeyDown);
    return () => {
      document.removeEventListener("keydown", onKeyDown);
      open.splice(open.lastIndexOf(root), 1);
      if (previous?.isConnected) previous.focus();
    };
    // The trap is set up once per mount; `initialFocus` is read then.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ref]);
}
