/**
 * The Timeline screen: a project's migrations (rows) against every database it is applied to
 * (columns), filterable, with the selected migration's detail on the right and its actions
 * handed to the run view. View state (selection, filter, chosen action) belongs to one project
 * and starts afresh when another project is picked. The server state is the `timeline` query;
 * anything that changes a database or the folder invalidates it.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useDeferredValue, useEffect, useMemo, useState } from "react";
import { Button } from "../../components/Button";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Icon } from "../../components/Icon";
import { LoadingState } from "../../components/LoadingState";
import { Screen } from "../../components/Screen";
import { describeError, type Timeline } from "../../ipc/client";
import { queryKeys, useProjects, useTimeline } from "../../ipc/queries";
import { relativeTo } from "../../lib/format";
import { ActionSlot } from "./ActionSlot";
import { targetFacts, type TimelineAction } from "./actions";
import { DetailSlot } from "./DetailSlot";
import { FilterBar } from "./FilterBar";
import { MigrationTable } from "./MigrationTable";
import { NewMigrationDialog } from "./NewMigrationDialog";
import { ProjectPicker, useChosenProject } from "./ProjectPicker";
import { countByTarget, countLabel, filterRows, isFiltering, NO_FILTER, type TimelineFilter } from "./state";
import "./timeline.css";

type View = {
  project: string | null;
  selected: string | null;
  open: boolean;
  filter: TimelineFilter;
  action: TimelineAction | null;
};

const freshView = (project: string | null): View => ({
  project,
  selected: null,
  open: false,
  filter: NO_FILTER,
  action: null,
});

/** The current time, ticking each minute, for "5 min ago". */
function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

export function TimelineScreen() {
  const projects = useProjects();
  const [project, choose] = useChosenProject(projects.data);
  const [creating, setCreating] = useState(false);
  const [view, setView] = useState<View>(() => freshView(project));
  const client = useQueryClient();
  // Another project: its own selection and filter (the reset React recommends, during render).
  if (view.project !== project) setView(freshView(project));

  let body;
  if (projects.isPending) {
    body = <LoadingState label="Looking for projects…" />;
  } else if (projects.isError) {
    const error = describeError(projects.error);
    body = (
      <ErrorState
        title="The projects could not be listed"
        summary={error.summary}
        message={error.message}
        code={error.code}
        onRetry={() => void projects.refetch()}
        retrying={projects.isFetching}
      />
    );
  } else if (project === null) {
    body = (
      <EmptyState title="No project" icon={<Icon name="timeline" size={28} />}>
        <p>
          Attach a project folder to a connection on the Connections screen, or start Strata with{" "}
          <code>STRATA_PROJECT</code> set to a folder with a <code>strata.toml</code>.
        </p>
      </EmptyState>
    );
  } else {
    body = <ProjectTimeline project={project} view={view} setView={setView} onNew={() => setCreating(true)} />;
  }

  return (
    <Screen
      id="timeline"
      title="Timeline"
      fill
      actions={
        projects.data && project !== null ? (
          <div className="tl-actions">
            <ProjectPicker projects={projects.data} value={project} onChange={choose} />
            <Button
              data-testid="timeline-refresh"
              title="Read the migration files and every database's history again"
              onClick={() => void client.invalidateQueries({ queryKey: queryKeys.timeline(project) })}
            >
              <Icon name="retry" size={14} /> Refresh
            </Button>
            <Button variant="primary" data-testid="new-migration" onClick={() => setCreating(true)}>
              <Icon name="plus" size={14} /> New migration
            </Button>
          </div>
        ) : undefined
      }
    >
      {body}
      {creating && project !== null && (
        <NewMigrationDialog
          project={project}
          onClose={() => setCreating(false)}
          onCreated={(created) => {
            setCreating(false);
            // Show it: clear a filter that could hide it, select it and open its SQL.
            setView({ ...freshView(project), selected: created.version, open: true });
          }}
        />
      )}
    </Screen>
  );
}

function ProjectTimeline({
  project,
  view,
  setView,
  onNew,
}: {
  project: string;
  view: View;
  setView: (update: (view: View) => View) => void;
  onNew: () => void;
}) {
  const timeline = useTimeline(project);
  if (timeline.isPending) {
    return <LoadingState label="Reading the migrations and each database’s history…" />;
  }
  if (timeline.isError) {
    const error = describeError(timeline.error);
    return (
      <ErrorState
        title="The timeline could not be read"
        summary={error.summary}
        message={error.message}
        code={error.code}
        onRetry={() => void timeline.refetch()}
        retrying={timeline.isFetching}
      />
    );
  }
  return (
    <LoadedTimeline
      project={project}
      timeline={timeline.data}
      view={view}
      setView={setView}
      onNew={onNew}
      onRetry={() => void timeline.refetch()}
      retrying={timeline.isFetching}
    />
  );
}

function LoadedTimeline({
  project,
  timeline,
  view,
  setView,
  onNew,
  onRetry,
  retrying,
}: {
  project: string;
  timeline: Timeline;
  view: View;
  setView: (update: (view: View) => View) => void;
  onNew: () => void;
  onRetry: () => void;
  retrying: boolean;
}) {
  const client = useQueryClient();
  const now = useNow();
  const filter = useDeferredValue(view.filter);
  const facts = useMemo(() => targetFacts(timeline), [timeline]);
  const counts = useMemo(() => countByTarget(timeline.rows, timeline.targets.length), [timeline]);
  const shown = useMemo(() => filterRows(timeline.rows, filter), [timeline, filter]);
  const selectedIndex = useMemo(
    () => (view.selected === null ? -1 : timeline.rows.findIndex((r) => r.version === view.selected)),
    [timeline, view.selected],
  );

  const onAction = useCallback((action: TimelineAction) => setView((v) => ({ ...v, action })), [setView]);
  const closeDetail = useCallback(() => setView((v) => ({ ...v, open: false })), [setView]);
  const refresh = useCallback(
    () => void client.invalidateQueries({ queryKey: queryKeys.timeline(project) }),
    [client, project],
  );
  const { project: info } = timeline;

  if (timeline.rows.length === 0) {
    return (
      <EmptyState
        title="No migrations yet"
        icon={<Icon name="timeline" size={28} />}
        actions={
          <Button variant="primary" onClick={onNew}>
            New migration
          </Button>
        }
      >
        <p>
          <code>{relativeTo(info.root, info.migrationsDir)}</code> has no migration files. Create the first one, or
          add files such as <code>20250101120000_create_users.up.sql</code> with a matching <code>.down.sql</code>.
        </p>
      </EmptyState>
    );
  }

  return (
    <div className="tl">
      <div className="tl__toolbar">
        <FilterBar
          filter={view.filter}
          onChange={(next) => setView((v) => ({ ...v, filter: next }))}
          count={countLabel(shown.length, timeline.rows.length)}
        />
        <p className="tl__folder" title={info.migrationsDir}>
          {relativeTo(info.root, info.migrationsDir)} · {info.layout} layout
        </p>
      </div>
      {timeline.targets.length === 0 && (
        <p className="notice notice--warning" data-testid="timeline-no-targets">
          No database is attached to this project, so these are the files only. Set a connection’s project folder to
          this one on the Connections screen to see where each migration is applied.
        </p>
      )}
      <div className="tl__split">
        {shown.length === 0 && isFiltering(filter) ? (
          <EmptyState
            title="No migration matches the filter"
            actions={<Button onClick={() => setView((v) => ({ ...v, filter: NO_FILTER }))}>Clear the filter</Button>}
          />
        ) : (
          <MigrationTable
            project={project}
            timeline={timeline}
            facts={facts}
            counts={counts}
            shown={shown}
            selected={view.selected}
            onSelect={(version, open) => setView((v) => ({ ...v, selected: version, open: open || v.open }))}
            onOpen={() => setView((v) => ({ ...v, open: true }))}
            onCloseDetail={closeDetail}
            onAction={onAction}
            onRetry={onRetry}
            retrying={retrying}
            now={now}
          />
        )}
        {/* MOUNT POINT (B2): the detail pane; see DetailSlot.tsx for the wiring. */}
        {view.open && selectedIndex >= 0 && (
          <DetailSlot
            project={project}
            timeline={timeline}
            facts={facts}
            rowIndex={selectedIndex}
            onAction={onAction}
            onClose={closeDetail}
            now={now}
          />
        )}
      </div>
      {/* MOUNT POINT (B3): the run view and the admin dialogs; see ActionSlot.tsx. */}
      {view.action !== null && (
        <ActionSlot
          action={view.action}
          onClose={() => setView((v) => ({ ...v, action: null }))}
          onDone={refresh}
        />
      )}
    </div>
  );
}
