/**
 * A labelled form control with its hint and its error underneath. The control is rendered by
 * the caller with the props given (id, aria-describedby, aria-invalid), so any input, select
 * or composite control gets the same wiring.
 */
import { useId, type ReactNode } from "react";

export type FieldControlProps = {
  id: string;
  "aria-describedby": string | undefined;
  "aria-invalid": boolean | undefined;
};

export function Field({
  label,
  hint,
  error,
  warning,
  children,
  errorTestId,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  warning?: ReactNode;
  children: (props: FieldControlProps) => ReactNode;
  errorTestId?: string;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const warningId = `${id}-warning`;
  const describedBy =
    [
      error !== undefined && errorId,
      warning !== undefined && warning !== null && warning !== false && warningId,
      hint !== undefined && hintId,
    ]
      .filter(Boolean)
      .join(" ") || undefined;
  return (
    <div className={`field${error !== undefined ? " field--invalid" : ""}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children({ id, "aria-describedby": describedBy, "aria-invalid": error !== undefined || undefined })}
      {error !== undefined && (
        <p id={errorId} className="field__error" data-testid={errorTestId}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
      {warning !== undefined && warning !== null && warning !== false && (
        <p id={warningId} className="field__warning">
          {warning}
        </p>
      )}
      {hint !== undefined && (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      )}
    </div>
  );
}
