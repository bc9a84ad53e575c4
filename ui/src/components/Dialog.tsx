/**
 * A small modal dialog (a confirmation, a short form): focus trapped, Escape closes, focus
 * returns to what opened it. `role="alertdialog"` when it asks to confirm something
 * destructive.
 */
import { useId, useRef, type ReactNode, type RefObject } from "react";
import { useFocusTrap } from "./useFocusTrap";

export function Dialog({
  title,
  onClose,
  actions,
  children,
  alert = false,
  initialFocus,
  testId,
}: {
  title: string;
  onClose: () => void;
  actions: ReactNode;
  children: ReactNode;
  alert?: boolean;
  initialFocus?: RefObject<HTMLElement | null>;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useFocusTrap(ref, onClose, initialFocus);
  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={ref}
        className="dialog"
        role={alert ? "alertdialog" : "dialog"}
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        tabIndex={-1}
      >
        <h2 id={titleId} className="dialog__title">
          {title}
        </h2>
        <div className="dialog__body">{children}</div>
        <div className="dialog__actions">{actions}</div>
      </div>
    </div>
  );
}
