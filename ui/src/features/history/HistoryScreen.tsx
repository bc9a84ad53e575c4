/**
 * The History screen: a project's event log across its targets, newest first, filtered by
 * the backend (target, kind, outcome, migration text), exported as CSV or JSON with the same
 * filter the table shows. Targets whose log could not be read are listed above the table,
 * each with the reason. The project is the default one unless the user picks another.
 */
import { useMutation } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Button } from "../../components/Button";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Icon } from "../../components/Icon";
import { LoadingState } from "../../components/LoadingState";
import { Screen } from "../../components/Screen";
import { describeError, ipc, type ExportFormat, type HistoryLog, type ProjectRef } from "../../ipc/client";
import { useHistoryLog, useProjects } from "../../ipc/queries";
import { plural } from "../../lib/format";
import { chooseSaveFile } from "../../platform/dialog";
import { FilterSelect } from "./FilterSelect";
import { HistoryFilters } from "./HistoryFilters";
import { HistoryTable } from "./HistoryTable";
import { EMPTY_FORM, exportFileName, isFiltered, mergeTargets, toFilter, type FilterForm, type KnownTarget } from "./historyModel";
import { SelectedEvent } from "./SelectedEvent";
import "./history.css";

const PROJECT_KEY = "strata.history.project";
const TYPING_PAUSE_MS = 250;

/** `value`, once it stopped changing for `ms`. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return settled;
}

function errorProps(thrown: unknown) {
  const { summary, message, code } = describeError(thrown);
  return { summary, message, code };
}

function pickProject(projects: readonly ProjectRef[], chosen: string | null): ProjectRef | null {
  return projects.find((p) => p.root === chosen) ?? projects.find((p) => p.default) ?? projects[0] ?? null;
}

export function HistoryScreen() {
  const projects = useProjects();
  const [chosen, setChosen] = useState<string | null>(() => sessionStorage.getItem(PROJECT_KEY));
  const project = projects.data ? pickProject(projects.data, chosen) : null;

  function choose(root: string) {
    sessionStorage.setItem(PROJECT_KEY, root);
    setChosen(root);
  }

  const picker =
    projects.data && projects.data.length > 1 && project ? (
      <FilterSelect
        className="history-project"
        label="Project"
        testId="history-project"
        value={project.root}
        options={projects.data.map((p) => ({
          value: p.root,
          label: p.default ? `${p.name} (opened)` : p.name,
          title: p.root,
        }))}
        onChange={choose}
      />
    ) : undefined;

  return (
    <Screen
      id="history"
      title="History"
      description="Every apply, rollback, repair, baseline and seed, across the project's databases."
      actions={picker}
      fill
    >
      {projects.isPending ? (
        <LoadingState label="Loading projects…" />
      ) : projects.isError ? (
        <ErrorState
          title="The projects could not be listed"
          {...errorProps(projects.error)}
          onRetry={() => void projects.refetch()}
          retrying={projects.isFetching}
        />
      ) : project === null ? (
        <EmptyState title="No project open" icon={<Icon name="history" size={28} />}>
          <p>Open a project, or attach a project folder to a connection, to see its history.</p>
        </EmptyState>
      ) : (
        <ProjectHistory key={project.root} project={project} />
      )}
    </Screen>
  );
}

type ExportStatus = { tone: "success" | "danger"; text: string } | null;

function ProjectHistory({ project }: { project: ProjectRef }) {
  const [form, setForm] = useState<FilterForm>(EMPTY_FORM);
  const migration = useSettled(form.migration, TYPING_PAUSE_MS);
  const filter = toFilter({ ...form, migration });
  const log = useHistoryLog(project.root, filter);
  const [selected, setSelected] = useState<number | null>(null);
  const [status, setStatus] = useState<ExportStatus>(null);

  // Targets seen so far stay in the picker when a filter hides their events.
  const [targets, setTargets] = useState<KnownTarget[]>([]);
  const [mergedFrom, setMergedFrom] = useState<HistoryLog | undefined>(undefined);
  if (log.data !== mergedFrom) {
    setMergedFrom(log.data);
    if (log.data) setTargets(mergeTargets(targets, log.data));
  }

  const exporter = useMutation({
    mutationFn: async (format: ExportFormat) => {
      const path = await chooseSaveFile({
        title: `Export the history as ${format.toUpperCase()}`,
        filters: [{ name: format === "csv" ? "CSV" : "JSON", extensions: [format] }],
        defaultPath: exportFileName(project.name, format),
      });
      if (path === null) return null;
      const count = await ipc.exportHistory(project.root, filter, format, path);
      return { count, path };
    },
    onMutate: () => setStatus(null),
    onSuccess: (done) => {
      if (done) setStatus({ tone: "success", text: `Exported ${plural(done.count, "event")} to ${done.path}` });
    },
    onError: (thrown) => {
      const error = describeError(thrown);
      setStatus({ tone: "danger", text: `The export failed: ${error.message}` });
    },
  });

  function changeFilter(next: FilterForm) {
    setForm(next);
    setSelected(null);
  }

  const events = log.data?.events ?? [];
  const chosen = selected !== null ? events[selected] : undefined;
  return (
    <div className="history">
      <div className="history-bar">
        <HistoryFilters form={form} targets={targets} onChange={changeFilter} />
        <div className="history-export">
          <Button
            onClick={() => exporter.mutate("csv")}
            disabled={exporter.isPending || !log.data}
            data-testid="history-export-csv"
          >
            Export CSV
          </Button>
          <Button
            onClick={() => exporter.mutate("json")}
            disabled={exporter.isPending || !log.data}
            data-testid="history-export-json"
          >
            Export JSON
          </Button>
        </div>
      </div>
      {status && (
        <p
          className={`notice notice--${status.tone}`}
          role={status.tone === "danger" ? "alert" : "status"}
          data-testid="history-export-status"
        >
          {status.text}
        </p>
      )}
      {log.data?.failures.map((f) => (
        <div key={f.target} className="notice notice--warning" role="note" data-testid="history-failure">
          <p className="notice__title">
            <Icon name="alert" size={14} /> The log of {f.targetLabel} could not be read
          </p>
          <p>{f.error.message}</p>
        </div>
      ))}
      {log.isPending ? (
        <LoadingState label="Reading the event log…" />
      ) : log.isError ? (
        <ErrorState
          title="The event log could not be read"
          {...errorProps(log.error)}
          onRetry={() => void log.refetch()}
          retrying={log.isFetching}
        />
      ) : events.length === 0 ? (
        <EmptyState title={isFiltered(form) ? "No event matches the filters" : "No events yet"} icon={<Icon name="history" size={28} />}>
          <p>
            {isFiltered(form)
              ? "Change or clear the filters to see more."
              : "Applying, rolling back, repairing or seeding a database of this project records an event here."}
          </p>
        </EmptyState>
      ) : (
        <>
          <p className="history-count" data-testid="history-count" aria-live="polite">
            {plural(events.length, "event")}
            {isFiltered(form) ? (events.length === 1 ? " matches the filters" : " match the filters") : ""}, newest
            first
          </p>
          <HistoryTable events={events} selected={selected} onSelect={setSelected} />
          {chosen && <SelectedEvent row={chosen} />}
        </>
      )}
    </div>
  );
}
