/**
 * The plan before it runs: each migration in order with its direction, transaction mode,
 * statement count and notes, what cannot be undone, and who holds the lock. Presentational:
 * the plan comes from planRun, nothing here calls the backend.
 */
import { Badge } from "../../../components/Badge";
import { Icon } from "../../../components/Icon";
import type { LockStatus, PlannedRun, RunPlan } from "../../../ipc/client";
import { plural } from "../../../lib/format";
import { DIRECTION_LABELS } from "./format";

export function LockLine({ lock }: { lock: LockStatus }) {
  return (
    <p className="run-lock" data-testid="run-lock" data-held={lock.held}>
      <Icon name={lock.held ? "lock" : "lockOpen"} size={15} />
      {lock.held ? (
        <span>
          Migration lock: <strong>held by {lock.holder ?? "another run"}</strong>. The run will
          wait for it, for a bounded time.
        </span>
      ) : (
        <span>Migration lock: free</span>
      )}
    </p>
  );
}

function TransactionMode({ step }: { step: PlannedRun }) {
  return step.transactional ? (
    <span className="run-mode" title="Its statements and its history row commit together, or not at all">
      <Icon name="transaction" size={15} /> in a transaction
    </span>
  ) : (
    <span
      className="run-mode run-mode--warning"
      title="Each statement commits on its own: a failure leaves the earlier ones in place"
    >
      <Icon name="noTransaction" size={15} /> no transaction
    </span>
  );
}

function PlanStep({ step, position, irreversible }: { step: PlannedRun; position: number; irreversible: boolean }) {
  return (
    <li className="run-plan__step" data-testid={`run-plan-step-${step.version}`} data-direction={step.direction}>
      <span className="run-plan__position" aria-hidden="true">
        {position}
      </span>
      <div className="run-plan__main">
        <p className="run-plan__title">
          <span className={`run-direction run-direction--${step.direction}`}>
            <Icon name={step.direction} size={15} />
            {DIRECTION_LABELS[step.direction]}
          </span>
          <span className="run-version">{step.version}</span>
          <span className="run-plan__name">{step.name}</span>
        </p>
        <p className="run-plan__facts">
          <TransactionMode step={step} />
          <span>{plural(step.statements.length, "statement")}</span>
          {irreversible && (
            <Badge
              tone="danger"
              icon="alert"
              title="There is no way back once it ran: no down part, or MySQL changes that commit at once"
            >
              cannot be undone
            </Badge>
          )}
        </p>
        {step.notes.length > 0 && (
          <ul className="run-plan__notes">
            {step.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        )}
      </div>
    </li>
  );
}

export function PlanView({ plan }: { plan: RunPlan }) {
  return (
    <div className="run-plan">
      <LockLine lock={plan.lock} />
      {plan.steps.length === 0 ? (
        <p className="notice" data-testid="run-plan-empty">
          Nothing to run: {plan.target.label} is already where this action leaves it.
        </p>
      ) : (
        <ol className="run-plan__steps" aria-label="Migrations in the order they run">
          {plan.steps.map((step, i) => (
            <PlanStep
              key={`${i}-${step.version}-${step.direction}`}
              step={step}
              position={i + 1}
              irreversible={plan.irreversible.includes(step.version)}
            />
          ))}
        </ol>
      )}
      {plan.notes.length > 0 && (
        <ul className="run-plan__notes run-plan__notes--plan" aria-label="About this plan">
          {plan.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
