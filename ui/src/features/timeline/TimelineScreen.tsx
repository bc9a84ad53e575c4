import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Icon } from "../../components/Icon";
import { LoadingState } from "../../components/LoadingState";
import { Screen } from "../../components/Screen";
import { describeError, type ProjectSummary } from "../../ipc/client";
import { useCurrentProject } from "../../ipc/queries";
import { plural, relativeTo } from "../../lib/format";
import { MigrationTable } from "./MigrationTable";
import "./timeline.css";

export function TimelineScreen() {
  const project = useCurrentProject();

  let body;
  if (project.isPending) {
    body = <LoadingState label="Reading the project’s migrations…" />;
  } else if (project.isError) {
    const error = describeError(project.error);
    body = (
      <ErrorState
        title="The project could not be opened"
        summary={error.summary}
        message={error.message}
        code={error.code}
        onRetry={() => void project.refetch()}
        retrying={project.isFetching}
      />
    );
  } else {
    body = <ProjectTimeline project={project.data} />;
  }

  return (
    <Screen id="timeline" title="Timeline" fill>
      {body}
    </Screen>
  );
}

function ProjectTimeline({ project }: { project: ProjectSummary }) {
  const folder = relativeTo(project.root, project.migrationsDir);
  return (
    <>
      <div className="project-summary">
        <div className="project-summary__main">
          <p className="project-summary__name" data-testid="project-name">
            {project.name}
          </p>
          <p className="project-summary__path" title={project.root}>
            {project.root}
          </p>
        </div>
        <dl className="project-summary__stats">
          <div className="stat">
            <dt>Migrations</dt>
            <dd className="stat__value" data-testid="migration-count">
              {project.migrationCount}
            </dd>
          </div>
          <div className="stat">
            <dt>Folder</dt>
            <dd className="stat__mono" title={project.migrationsDir}>
              {folder}
            </dd>
          </div>
        </dl>
      </div>

      <p className="timeline-note">
        These are the migration files as read from disk. Their state in each environment
        (applied, pending, failed, modified since applied, missing, out of order) arrives with the
        migration engine.
      </p>

      {project.migrations.length === 0 ? (
        <EmptyState title="No migrations yet" icon={<Icon name="timeline" size={28} />}>
          <p>
            Add migration files to <code>{folder}</code>, for example{" "}
            <code>20250101120000_create_users.up.sql</code> with a matching{" "}
            <code>.down.sql</code>.
          </p>
        </EmptyState>
      ) : (
        <MigrationTable
          migrations={project.migrations}
          label={`${plural(project.migrations.length, "migration")} in ${folder}`}
        />
      )}
    </>
  );
}
