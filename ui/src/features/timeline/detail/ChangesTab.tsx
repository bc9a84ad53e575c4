/**
 * The Changes tab: for each database where the migration is applied, the up and down SQL its
 * history stored against the files now. A part that differs gets a side-by-side diff; a
 * target where everything matches says so. One target at a time, picked when there are several.
 */
import { lazy, Suspense, useState } from "react";
import { Badge } from "../../../components/Badge";
import { EmptyState } from "../../../components/EmptyState";
import { Icon } from "../../../components/Icon";
import { LoadingState } from "../../../components/LoadingState";
import { TierBadge } from "../../../components/TierBadge";
import type { DatabaseKind } from "../../../ipc/bindings";
import type { TargetFailure } from "../../../ipc/client";
import { defaultChangesTarget, type PartChange, type TargetChanges } from "./detail";

// CodeMirror's merge view loads with the first diff shown, not with the app.
const SqlDiff = lazy(() => import("../../../components/sql/SqlDiff").then((m) => ({ default: m.SqlDiff })));

export function ChangesTab({
  changes,
  failures,
  dialect,
}: {
  changes: readonly TargetChanges[];
  failures: readonly TargetFailure[];
  dialect: DatabaseKind | null;
}) {
  const [picked, setPicked] = useState<string | null>(null);
  const selected = changes.find((c) => c.target === picked) ?? changes.find((c) => c.target === defaultChangesTarget(changes));

  const unread =
    failures.length > 0 ? (
      <p className="changes__unread" role="note">
        <Icon name="alert" size={12} />
        Not compared: {failures.map((f) => f.targetLabel).join(", ")} could not be read (see the Log tab).
      </p>
    ) : null;

  if (!selected) {
    return (
      <>
        {unread}
        <EmptyState title="Not applied anywhere" icon={<Icon name="info" size={28} />}>
          <p>
            No database of this project has this migration in its history, so there is no stored SQL
            to compare with the files.
          </p>
        </EmptyState>
      </>
    );
  }

  return (
    <div className="changes">
      {unread}
      {changes.length > 1 && (
        <label className="changes__picker">
          <span>Database</span>
          <select className="select" value={selected.target} onChange={(event) => setPicked(event.target.value)}>
            {changes.map((c) => (
              <option key={c.target} value={c.target}>
                {c.label}: {c.differs ? "differs from the files" : "matches the files"}
              </option>
            ))}
          </select>
        </label>
      )}
      <TargetSection key={selected.target} changes={selected} dialect={dialect} />
    </div>
  );
}

function TargetSection({ changes, dialect }: { changes: TargetChanges; dialect: DatabaseKind | null }) {
  return (
    <section className="changes__target" data-testid={`detail-changes-${changes.target}`}>
      <header className="changes__head">
        <h3 className="changes__title">{changes.label}</h3>
        {changes.tier !== null && <TierBadge tier={changes.tier} />}
        {changes.differs ? (
          <Badge tone="warning" icon="alert">
            Differs from the files
          </Badge>
        ) : (
          <Badge tone="success" icon="ok">
            Matches the files
          </Badge>
        )}
      </header>
      {changes.differs ? (
        <div className="changes__diffs" data-testid={`detail-diff-${changes.target}`}>
          <PartSection part="Up" change={changes.up} label={changes.label} dialect={dialect} />
          <PartSection part="Down" change={changes.down} label={changes.label} dialect={dialect} />
        </div>
      ) : (
        <p className="changes__same">
          The up and down SQL stored in {changes.label} when it was applied match the files now.
        </p>
      )}
    </section>
  );
}

function PartSection({
  part,
  change,
  label,
  dialect,
}: {
  part: "Up" | "Down";
  change: PartChange;
  label: string;
  dialect: DatabaseKind | null;
}) {
  const stored = `As applied in ${label}`;
  let body;
  switch (change.kind) {
    case "same":
      body = <p className="changes__note">The stored SQL matches the file.</p>;
      break;
    case "checksumOnly":
      body = (
        <p className="changes__note">
          The recorded checksum differs from the file’s, but the text is the same apart from line
          endings or a byte-order mark.
        </p>
      );
      break;
    case "diff":
      body = <SqlDiff stored={change.stored} file={change.file} dialect={dialect} storedLabel={stored} fileLabel="File now" />;
      break;
    case "fileGone":
      body = (
        <>
          <p className="changes__note">
            The {part.toLowerCase()} file is gone; {label}’s history still holds the SQL it stored.
          </p>
          <SqlDiff stored={change.stored} file="" dialect={dialect} storedLabel={stored} fileLabel="File now: missing" />
        </>
      );
      break;
    case "notStored":
      body = (
        <>
          <p className="changes__note">
            {label} stored no {part.toLowerCase()} SQL when this was applied; the file has one now.
          </p>
          <SqlDiff
            stored=""
            file={change.file}
            dialect={dialect}
            storedLabel={`${stored}: nothing stored`}
            fileLabel="File now"
          />
        </>
      );
      break;
  }
  return (
    <div className="changes__part" data-part={part.toLowerCase()} data-change={change.kind}>
      <h4 className="changes__part-title">{part} part</h4>
      <Suspense fallback={<LoadingState label="Loading the diff…" />}>{body}</Suspense>
    </div>
  );
}
