/**
 * A modal side sheet sliding in from the right: focus is trapped inside, Escape or the close
 * button closes it, and focus returns to what opened it. The footer stays in view while the
 * body scrolls.
 */
import { useId, useRef, type ReactNode, type RefObject } from "react";
import { useFocusTrap } from "./useFocusTrap";

export function Sheet({
  title,
  description,
  onClose,
  footer,
  children,
  initialFocus,
  testId,
}: {
  title: string;
  description?: ReactNode;
  onClose: () => void;
  footer?: ReactNode;
  children: ReactNode;
  initialFocus?: RefObject<HTMLElement | null>;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useFocusTrap(ref, onClose, initialFocus);
  return (
    <div
      className="sheet-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={ref}
        className="sheet"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        tabIndex={-1}
      >
        <header className="sheet__header">
          <div>
            <h2 id={titleId} className="sheet__title">
              {title}
            </h2>
            {description !== undefined && <p className="sheet__description">{description}</p>}
          </div>
          <button type="button" className="sheet__close" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        <div className="sheet__body">{children}</div>
        {footer !== undefined && <footer className="sheet__footer">{footer}</footer>}
      </div>
    </div>
  );
}
