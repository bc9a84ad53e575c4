import { Button } from "./Button";

/** A failed load, in plain language, with the backend's code and message and a way to retry. */
export function ErrorState({
  title,
  summary,
  message,
  code,
  onRetry,
  retrying = false,
}: {
  title: string;
  summary: string;
  message: string;
  code: string;
  onRetry?: () => void;
  retrying?: boolean;
}) {
  return (
    <div className="error-state" role="alert">
      <p className="error-state__title">{title}</p>
      <p className="error-state__summary">{summary}</p>
      <p className="error-state__message">
        <span className="error-state__label">Backend said:</span> {message}
      </p>
      <p className="error-state__code">
        Error code <code>{code}</code>
      </p>
      {onRetry && (
        <Button variant="primary" onClick={onRetry} disabled={retrying}>
          {retrying ? "Retrying…" : "Retry"}
        </Button>
      )}
    </div>
  );
}
