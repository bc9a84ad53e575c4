import { Badge } from "../../components/Badge";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Icon } from "../../components/Icon";
import { LoadingState } from "../../components/LoadingState";
import { Panel } from "../../components/Panel";
import { Screen } from "../../components/Screen";
import { TierBadge } from "../../components/TierBadge";
import type { AppInfo, ProjectDatabase } from "../../ipc/bindings";
import { describeError } from "../../ipc/client";
import { useAppInfo, useCurrentProject } from "../../ipc/queries";
import { engineWithVersion, formatLatency } from "../../lib/format";
import "./connections.css";

export function ConnectionsScreen() {
  const project = useCurrentProject();
  const appInfo = useAppInfo();

  return (
    <Screen id="connections" title="Connections">
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
        <EmptyState title="No saved connections yet" icon={<Icon name="connections" size={24} />}>
          <p>
            Saved connections to PostgreSQL, MySQL/MariaDB and SQLite databases come with the
            connection manager: passwords kept in the OS keychain, TLS, and an environment tier
            for each connection.
          </p>
        </EmptyState>
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
    </Screen>
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
