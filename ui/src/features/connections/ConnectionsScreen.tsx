/**
 * The Connections screen: the project's own database, then the saved connections with their
 * actions, the side sheet to create or edit one, import/export, and the way out of an
 * unreadable connections file. The list is the backend's: every change refetches it.
 */
import { useState } from "react";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Icon } from "../../components/Icon";
import { LoadingState } from "../../components/LoadingState";
import { Panel } from "../../components/Panel";
import { Screen } from "../../components/Screen";
import { TierBadge } from "../../components/TierBadge";
import type { AppInfo, ConnectionProfile, ConnectionRow, ProjectDatabase } from "../../ipc/bindings";
import { describeError, ipc, toIpcFailure } from "../../ipc/client";
import { useAppInfo, useConnections, useCurrentProject } from "../../ipc/queries";
import { engineWithVersion, formatLatency } from "../../lib/format";
import { ConnectionList, type RowAction } from "./ConnectionList";
import { ConnectionSheet } from "./ConnectionSheet";
import { DeleteDialog, SessionPasswordDialog, TestDialog, UnlockDialog } from "./dialogs";
import { GroupProjectDialog } from "./GroupProjectDialog";
import { ExportDialog, ImportDialog } from "./TransferDialogs";
import {
  useDuplicateConnection,
  useSetAsideConnectionsFile,
  useSetLocked,
  useTestConnection,
} from "./useConnectionActions";
import "./connections.css";

type Modal =
  | { kind: "delete" | "unlock" | "password" | "test"; row: ConnectionRow }
  | { kind: "import" | "export" }
  | { kind: "groupProject"; group: string; projectDir: string | null }
  | null;

type Status = { tone: "success" | "danger"; text: string } | null;

export function ConnectionsScreen() {
  const project = useCurrentProject();
  const appInfo = useAppInfo();
  const connections = useConnections();
  const duplicate = useDuplicateConnection();
  const setLocked = useSetLocked();
  const tester = useTestConnection();
  const [sheet, setSheet] = useState<{ profile: ConnectionProfile; saved: boolean } | null>(null);
  const [modal, setModal] = useState<Modal>(null);
  const [status, setStatus] = useState<Status>(null);

  const sections = connections.data ?? [];
  const count = sections.reduce((n, s) => n + s.connections.length, 0);
  const groups = [...new Set(sections.flatMap((s) => (s.name === null ? [] : [s.name])))];

  async function openNew() {
    setStatus(null);
    try {
      setSheet({ profile: await ipc.newConnection("postgres", "development"), saved: false });
    } catch (thrown) {
      setStatus({ tone: "danger", text: toIpcFailure(thrown).message });
    }
  }

  function onAction(action: RowAction) {
    const { row } = action;
    const name = row.profile.name;
    setStatus(null);
    switch (action.kind) {
      case "edit":
        setSheet({ profile: row.profile, saved: true });
        return;
      case "duplicate":
        duplicate.mutate(row.profile.id, {
          onSuccess: (copy) =>
            setStatus({ tone: "success", text: `Duplicated “${name}” as “${copy.profile.name}”.` }),
          onError: (e) => setStatus({ tone: "danger", text: describeError(e).message }),
        });
        return;
      case "unlock":
        if (row.profile.tier === "production") {
          setModal({ kind: "unlock", row });
          return;
        }
        setLocked.mutate(
          { id: row.profile.id, locked: false },
          { onError: (e) => setStatus({ tone: "danger", text: describeError(e).message }) },
        );
        return;
      case "lock":
        setLocked.mutate(
          { id: row.profile.id, locked: true },
          { onError: (e) => setStatus({ tone: "danger", text: describeError(e).message }) },
        );
        return;
      case "test":
        tester.mutate(row.profile.id);
        setModal({ kind: "test", row });
        return;
      case "delete":
      case "password":
        setModal({ kind: action.kind, row });
        return;
    }
  }

  const busyId =
    (duplicate.isPending ? duplicate.variables : null) ?? (setLocked.isPending ? setLocked.variables.id : null);

  return (
    <Screen
      id="connections"
      title="Connections"
      actions={
        <>
          <Button data-testid="conn-import" onClick={() => setModal({ kind: "import" })}>
            Import…
          </Button>
          <Button
            data-testid="conn-export"
            disabled={count === 0}
            title="Passwords are never included"
            onClick={() => setModal({ kind: "export" })}
          >
            Export…
          </Button>
          <Button variant="primary" data-testid="conn-new" onClick={() => void openNew()}>
            New connection
          </Button>
        </>
      }
    >
      <Panel title="This project’s database">
        {project.isPending ? (
          <LoadingState label="Connecting to the project’s database…" />
        ) : project.isError ? (
          <QueryError
            title="The project’s database is not available"
            error={project.error}
            onRetry={() => void project.refetch()}
            retrying={project.isFetching}
          />
        ) : (
          <DatabaseCard database={project.data.database} />
        )}
      </Panel>

      <Panel title="Saved connections">
        {status !== null && (
          <p
            className={`notice notice--${status.tone}`}
            role={status.tone === "danger" ? "alert" : "status"}
            data-testid="conn-status"
          >
            {status.text}
          </p>
        )}
        {connections.isPending ? (
          <LoadingState label="Reading the saved connections…" />
        ) : connections.isError ? (
          toIpcFailure(connections.error).code === "project" ? (
            <UnreadableFile
              error={connections.error}
              onSetAside={(path) =>
                setStatus({
                  tone: "success",
                  text: `The unreadable file was moved to ${path}. Strata starts with an empty list.`,
                })
              }
            />
          ) : (
            <QueryError
              title="The saved connections could not be read"
              error={connections.error}
              onRetry={() => void connections.refetch()}
              retrying={connections.isFetching}
            />
          )
        ) : count === 0 ? (
          <EmptyState
            title="No saved connections yet"
            icon={<Icon name="connections" size={24} />}
            actions={
              <Button variant="primary" data-testid="conn-new-empty" onClick={() => void openNew()}>
                New connection
              </Button>
            }
          >
            <p>
              Save connections to PostgreSQL, MySQL/MariaDB and SQLite databases: passwords stay in the
              OS keychain, each connection has an environment tier, and production is protected.
            </p>
          </EmptyState>
        ) : (
          <ConnectionList
            sections={sections}
            onAction={onAction}
            busyId={busyId}
            onGroupProject={(group, projectDir) => {
              setStatus(null);
              setModal({ kind: "groupProject", group, projectDir });
            }}
          />
        )}
        <h3 className="engines__title">Engines in this build</h3>
        {appInfo.isPending ? (
          <LoadingState label="Reading the engines this build supports…" />
        ) : appInfo.isError ? (
          <QueryError
            title="The supported engines could not be read"
            error={appInfo.error}
            onRetry={() => void appInfo.refetch()}
            retrying={appInfo.isFetching}
          />
        ) : (
          <EngineList engines={appInfo.data.engines} />
        )}
      </Panel>

      {sheet !== null && (
        <ConnectionSheet
          initial={sheet}
          groups={groups}
          onClose={() => setSheet(null)}
          onSaved={(row) => {
            setSheet(null);
            setStatus({ tone: "success", text: `Saved “${row.profile.name}”.` });
          }}
        />
      )}
      {modal?.kind === "delete" && <DeleteDialog row={modal.row} onClose={() => setModal(null)} />}
      {modal?.kind === "unlock" && <UnlockDialog row={modal.row} onClose={() => setModal(null)} />}
      {modal?.kind === "password" && <SessionPasswordDialog row={modal.row} onClose={() => setModal(null)} />}
      {modal?.kind === "test" && (
        <TestDialog
          row={modal.row}
          pending={tester.isPending}
          error={tester.error}
          test={tester.data}
          onRetry={() => tester.mutate(modal.row.profile.id)}
          onClose={() => setModal(null)}
        />
      )}
      {modal?.kind === "import" && <ImportDialog onClose={() => setModal(null)} />}
      {modal?.kind === "export" && <ExportDialog onClose={() => setModal(null)} />}
      {modal?.kind === "groupProject" && (
        <GroupProjectDialog
          group={modal.group}
          projectDir={modal.projectDir}
          onClose={() => setModal(null)}
          onSaved={(text) => {
            setModal(null);
            setStatus({ tone: "success", text });
          }}
        />
      )}
    </Screen>
  );
}

/** The connections file exists but cannot be read: say which, and offer a clean start. */
function UnreadableFile({ error, onSetAside }: { error: unknown; onSetAside: (path: string) => void }) {
  const setAside = useSetAsideConnectionsFile();
  const d = describeError(error);
  return (
    <div className="error-state" role="alert" data-testid="conn-file-unreadable">
      <p className="error-state__title">The saved connections could not be read</p>
      <p className="error-state__message">{d.message}</p>
      <p className="error-state__summary">
        Strata can move the file aside (its contents are kept) and start with an empty list.
      </p>
      <Button
        variant="primary"
        data-testid="conn-set-aside"
        disabled={setAside.isPending}
        onClick={() => setAside.mutate(undefined, { onSuccess: onSetAside })}
      >
        Set the file aside and start empty
      </Button>
      {setAside.isError && <p className="field__error">{describeError(setAside.error).message}</p>}
    </div>
  );
}

function DatabaseCard({ database }: { database: ProjectDatabase }) {
  const { server } = database;
  return (
    <article className="db-card" aria-label={`Database ${database.label}`}>
      <header className="db-card__header">
        <span className="db-card__icon" aria-hidden="true">
          <Icon name="database" size={20} />
        </span>
        <h3 className="db-card__title">{database.label}</h3>
        <TierBadge tier={database.tier} />
      </header>
      <dl className="facts">
        <div>
          <dt>Engine</dt>
          <dd>{engineWithVersion(server.kind, server.serverVersion)}</dd>
        </div>
        <div>
          <dt>File</dt>
          <dd className="facts__mono" title={database.path}>
            {database.path}
          </dd>
        </div>
        <div>
          <dt>File status</dt>
          <dd>{database.created ? "Created on this launch" : "Existing file"}</dd>
        </div>
        <div>
          <dt>Connect latency</dt>
          <dd>{formatLatency(server.latencyMs)}</dd>
        </div>
      </dl>
    </article>
  );
}

function EngineList({ engines }: { engines: AppInfo["engines"] }) {
  if (engines.length === 0) {
    return <p className="muted">This build reports no database engines.</p>;
  }
  return (
    <ul className="engines">
      {engines.map((engine) => (
        <li key={engine.kind} className="engines__item">
          <span className="engines__name">{engine.name}</span>
          <span className="engines__schemes">
            {engine.urlSchemes.map((scheme) => `${scheme}://`).join("  ")}
          </span>
          {engine.compiledIn ? (
            <Badge tone="success">built in</Badge>
          ) : (
            <Badge tone="neutral">not in this build</Badge>
          )}
        </li>
      ))}
    </ul>
  );
}

function QueryError({
  title,
  error,
  onRetry,
  retrying,
}: {
  title: string;
  error: unknown;
  onRetry: () => void;
  retrying: boolean;
}) {
  const d = describeError(error);
  return (
    <ErrorState
      title={title}
      summary={d.summary}
      message={d.message}
      code={d.code}
      onRetry={onRetry}
      retrying={retrying}
    />
  );
}
