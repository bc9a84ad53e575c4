/**
 * A connection test's account, step by step: each step with its outcome in words, its time
 * and what it found; a failure explained in plain language with what to do, and the server's
 * own message one click away.
 */
import { Badge, type BadgeTone } from "../../components/Badge";
import type { Diagnosis, Outcome, StepKind } from "../../ipc/bindings";
import { formatLatency } from "../../lib/format";

const STEP_LABELS: Record<StepKind, string> = {
  file: "Database file",
  resolve: "Resolve host",
  tcp: "Connect (TCP)",
  tls: "TLS",
  authenticate: "Authenticate",
  open: "Open database",
  serverVersion: "Server version",
  latency: "Latency",
};

const OUTCOMES: Record<Outcome, { label: string; tone: BadgeTone }> = {
  ok: { label: "OK", tone: "success" },
  warning: { label: "Warning", tone: "warning" },
  failed: { label: "Failed", tone: "danger" },
  skipped: { label: "Skipped", tone: "neutral" },
};

export function DiagnosisView({ diagnosis }: { diagnosis: Diagnosis }) {
  const failure = diagnosis.steps.find((s) => s.outcome === "failed")?.problem;
  return (
    <div className="diagnosis" data-testid="conn-diagnosis">
      <p
        className={`notice notice--${diagnosis.ok ? "success" : "danger"}`}
        role={diagnosis.ok ? "status" : "alert"}
      >
        <span className="notice__title">{diagnosis.ok ? "Connection works" : "Connection failed"}</span>
        {diagnosis.ok && diagnosis.latencyMs !== null && ` — latency ${formatLatency(diagnosis.latencyMs)}`}
        {failure && (
          <span className="diagnosis__explanation">
            {" "}
            {failure.explanation} {failure.action}
          </span>
        )}
      </p>
      <ol className="diagnosis__steps">
        {diagnosis.steps.map((step) => {
          const outcome = OUTCOMES[step.outcome];
          return (
            <li key={step.step} className="diagnosis__step" data-testid={`conn-step-${step.step}`}>
              <span className="diagnosis__name">{STEP_LABELS[step.step]}</span>
              <Badge tone={outcome.tone}>{outcome.label}</Badge>
              <span className="diagnosis__time">
                {step.durationMs === null ? "" : formatLatency(step.durationMs)}
              </span>
              <span className="diagnosis__detail">{step.detail}</span>
              {step.problem && step.outcome !== "failed" && (
                <span className="diagnosis__problem">
                  {step.problem.explanation} {step.problem.action}
                </span>
              )}
              {step.problem?.raw && (
                <details className="diagnosis__raw">
                  <summary>What the server said</summary>
                  <pre>{step.problem.raw}</pre>
                </details>
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
