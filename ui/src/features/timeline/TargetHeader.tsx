/**
 * The timeline's column headers: one per target (a database the project is applied to) with
 * its label, tier, engine, the version it is at, its protection and its counts; a target
 * whose history could not be read says why in a few words (the backend's message on hover)
 * with a Retry. Every status here is text with an icon; colour only reinforces it.
 */
import { Icon } from "../../components/Icon";
import { TierBadge } from "../../components/TierBadge";
import type { IpcErrorCode, TimelineTarget } from "../../ipc/client";
import { engineName } from "../../lib/format";
import type { ActionOption, TimelineAction } from "./actions";
import { countPhrases, type StateCounts } from "./state";

const SHORT_REASONS: Record<IpcErrorCode, string> = {
  notFound: "Not found",
  invalidInput: "Settings refused",
  project: "Project unreadable",
  database: "Cannot be reached",
  io: "File error",
  keychain: "Keychain unavailable",
  passwordNeeded: "Needs its password",
  protected: "Protected",
  outOfOrder: "Out of order",
  partial: "Partially applied",
  modified: "Modified since applied",
  internal: "Internal error",
};

/** A target's failure in a few words, for a narrow column. */
export function shortReason(code: IpcErrorCode): string {
  return SHORT_REASONS[code];
}

export function TargetHeaderCell({
  target,
  counts,
  applyAll,
  onAction,
  onRetry,
  retrying,
}: {
  target: TimelineTarget;
  counts: StateCounts;
  applyAll: ActionOption;
  onAction: (action: TimelineAction) => void;
  onRetry: () => void;
  retrying: boolean;
}) {
  const { protection } = target;
  return (
    <div
      role="columnheader"
      className="tl-target"
      data-testid={`target-${target.id}`}
      data-tier={target.tier}
      style={target.colour ? { borderTopColor: target.colour } : undefined}
    >
      <div className="tl-target__top">
        <span className="tl-target__label" title={`${target.label}: ${target.location}`}>
          {target.label}
        </span>
      </div>
      <div className="tl-target__meta">
        <TierBadge tier={target.tier} />
        <span>{engineName(target.engine)}</span>
        <span aria-hidden="true"> · </span>
        {target.error !== null ? (
          <span>version unknown</span>
        ) : target.current !== null ? (
          <span title={`The newest applied migration is ${target.current}`}>
            at <span className="tl-mono">{target.current}</span>
          </span>
        ) : (
          <span>nothing applied</span>
        )}
      </div>
      {(protection.readOnly || protection.confirmName !== null) && (
        <div className="tl-target__guards">
          {protection.readOnly && (
            <span
              className="tl-guard"
              data-testid={`target-readonly-${target.id}`}
              title="Writes are refused until you unlock this connection on the Connections screen."
            >
              <Icon name="lock" size={12} /> read-only
            </span>
          )}
          {protection.confirmName !== null && (
            <span
              className="tl-guard"
              data-testid={`target-confirm-${target.id}`}
              title={`Running anything here asks you to type “${protection.confirmName}”.`}
            >
              <Icon name="lock" size={12} /> confirm by name
            </span>
          )}
        </div>
      )}
      {target.error !== null ? (
        <div className="tl-target__error" data-testid={`target-error-${target.id}`}>
          <span className="tl-target__reason" title={target.error.message}>
            <Icon name="alert" size={12} /> {shortReason(target.error.code)}
          </span>
          <span className="sr-only">: {target.error.message}</span>
          <button
            type="button"
            className="tl-link-button"
            onClick={onRetry}
            disabled={retrying}
            data-testid={`target-retry-${target.id}`}
          >
            <Icon name="retry" size={12} /> {retrying ? "Retrying…" : "Retry"}
          </button>
        </div>
      ) : (
        <div className="tl-target__counts" data-testid={`target-counts-${target.id}`}>
          {countPhrases(counts).join(" · ") || "no migrations"}
        </div>
      )}
      {target.foreign !== null && (
        <div
          className="tl-target__foreign"
          title={`This database has no Strata history but ${target.foreign.tool}'s ${target.foreign.table} holds ${target.foreign.versions.length} versions.`}
        >
          {target.foreign.tool} history found
        </div>
      )}
      <button
        type="button"
        className="tl-link-button tl-target__apply"
        aria-disabled={applyAll.action === null || undefined}
        title={applyAll.reason ?? `Plan and run every pending migration on ${target.label}`}
        data-testid={`apply-all-${target.id}`}
        onClick={() => {
          if (applyAll.action !== null) onAction(applyAll.action);
        }}
      >
        {applyAll.label}
      </button>
    </div>
  );
}
