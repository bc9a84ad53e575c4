/**
 * The saved connections, section by section (group, project folder, the rest). Every status
 * a row has is a badge with text; the colour band only repeats the tier. A simple list: the
 * backend keeps connections in one small file and people keep tens of them, not thousands.
 */
import type { CSSProperties } from "react";
import { Icon } from "../../components/Icon";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { TierBadge } from "../../components/TierBadge";
import type { ConnectionProfile, ConnectionRow, ConnectionSection } from "../../ipc/bindings";
import { baseName, engineName, formatLatency } from "../../lib/format";

export type RowAction =
  | { kind: "edit" | "duplicate" | "delete" | "unlock" | "lock" | "password" | "test"; row: ConnectionRow };

/** The band colour: production is red whatever the profile says; else the chosen colour. */
export function connectionColour(profile: ConnectionProfile): string {
  if (profile.tier === "production") return "var(--tier-production)";
  return profile.colour ?? `var(--tier-${profile.tier})`;
}

function sectionTitle(section: ConnectionSection, only: boolean): string {
  if (section.name !== null) return section.name;
  if (section.projectDir !== null) return `Project ${baseName(section.projectDir)}`;
  return only ? "Connections" : "Other connections";
}

export function ConnectionList({
  sections,
  onAction,
  busyId,
  onGroupProject,
}: {
  sections: readonly ConnectionSection[];
  onAction: (action: RowAction) => void;
  busyId: string | null;
  /** Open the "project folder" dialog of a named group's section. */
  onGroupProject: (group: string, projectDir: string | null) => void;
}) {
  return (
    <div className="conn-sections">
      {sections.map((section) => {
        const group = section.name;
        return (
          <section
            key={`${section.name ?? ""}\u0000${section.projectDir ?? ""}`}
            className="conn-section"
            aria-label={sectionTitle(section, sections.length === 1)}
          >
            <header className="conn-section__header">
              <h3 className="conn-section__title">{sectionTitle(section, sections.length === 1)}</h3>
              {section.projectDir !== null && (
                <span className="conn-section__dir" title={section.projectDir}>
                  {section.projectDir}
                </span>
              )}
              {group !== null && (
                <Button
                  size="sm"
                  variant="ghost"
                  className="conn-section__action"
                  data-testid={`group-project-${group}`}
                  aria-label={`Project folder… for ${group}`}
                  onClick={() => onGroupProject(group, section.projectDir)}
                >
                  Project folder…
                </Button>
              )}
            </header>
            <ul className="conn-list">
              {section.connections.map((row) => (
                <Row key={row.profile.id} row={row} onAction={onAction} busy={busyId === row.profile.id} />
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

function Row({ row, onAction, busy }: { row: ConnectionRow; onAction: (a: RowAction) => void; busy: boolean }) {
  const { profile } = row;
  const act = (kind: RowAction["kind"]) => () => onAction({ kind, row });
  const last = row.lastTest;
  const needsPassword = profile.password === "askEachTime" && !row.passwordInSession;
  return (
    <li
      className="conn-row"
      data-testid={`conn-row-${profile.name}`}
      style={{ "--conn-colour": connectionColour(profile) } as CSSProperties}
    >
      <span className="conn-row__band" aria-hidden="true" />
      <div className="conn-row__main">
        <div className="conn-row__title">
          <span className="conn-row__name">{profile.name}</span>
          <TierBadge tier={profile.tier} />
          {row.plaintext && (
            <Badge tone="warning" title="TLS is off or only preferred: traffic may cross the network unencrypted">
              <Icon name="alert" size={12} /> plaintext
            </Badge>
          )}
          {row.locked && (
            <Badge tone="neutral" title="Writes are refused until you unlock it for this session">
              <Icon name="lock" size={12} /> Read-only
            </Badge>
          )}
          {profile.protection.readOnly && !row.locked && <Badge tone="info">Unlocked this session</Badge>}
          {needsPassword && <Badge tone="neutral">Password asked each session</Badge>}
          {last && (
            <span className="conn-row__test" title={last.problem ?? undefined}>
              {last.ok ? (
                <Badge tone="success">Test OK{last.latencyMs !== null && ` · ${formatLatency(last.latencyMs)}`}</Badge>
              ) : (
                <Badge tone="danger">Test failed</Badge>
              )}
            </span>
          )}
        </div>
        <div className="conn-row__meta">
          <span className="conn-row__engine">{last?.serverVersion ?? engineName(profile.engine)}</span>
          <span className="conn-row__url" title={row.displayUrl}>
            {row.displayUrl}
          </span>
          {last?.migrationVersion && <span className="conn-row__engine">at {last.migrationVersion}</span>}
          {last?.otherTool && <span className="conn-row__engine">{last.otherTool} history</span>}
        </div>
      </div>
      <div className="conn-row__actions" aria-label={`Actions for ${profile.name}`} role="group">
        <Button size="sm" variant="ghost" data-testid="conn-test" disabled={busy} onClick={act("test")}>
          Test
        </Button>
        {needsPassword && (
          <Button size="sm" variant="ghost" onClick={act("password")}>
            Enter password…
          </Button>
        )}
        {profile.protection.readOnly &&
          (row.locked ? (
            <Button size="sm" variant="ghost" data-testid="conn-unlock" disabled={busy} onClick={act("unlock")}>
              Unlock for this session
            </Button>
          ) : (
            <Button size="sm" variant="ghost" data-testid="conn-lock" disabled={busy} onClick={act("lock")}>
              Lock
            </Button>
          ))}
        <Button size="sm" variant="ghost" data-testid="conn-edit" onClick={act("edit")}>
          Edit
        </Button>
        <Button size="sm" variant="ghost" data-testid="conn-duplicate" disabled={busy} onClick={act("duplicate")}>
          Duplicate
        </Button>
        <Button size="sm" variant="ghost" data-testid="conn-delete" onClick={act("delete")}>
          Delete
        </Button>
      </div>
    </li>
  );
}
