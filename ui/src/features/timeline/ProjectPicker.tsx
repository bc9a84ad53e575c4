/**
 * Which project the timeline shows: the one chosen in this session (kept in sessionStorage)
 * while it is still among the known projects, else the default project, else the first.
 */
import { useState } from "react";
import type { ProjectRef } from "../../ipc/client";

export const PROJECT_STORAGE_KEY = "strata.timeline.project";

function stored(): string | null {
  try {
    return window.sessionStorage.getItem(PROJECT_STORAGE_KEY);
  } catch {
    return null; // storage disabled: the choice just is not remembered
  }
}

/** The root to show among `projects`, given the remembered choice. */
export function pickProject(projects: readonly ProjectRef[], remembered: string | null): string | null {
  if (remembered !== null && projects.some((p) => p.root === remembered)) return remembered;
  return (projects.find((p) => p.default) ?? projects[0])?.root ?? null;
}

/** The shown project's root (null while there is none) and a way to choose another. */
export function useChosenProject(projects: readonly ProjectRef[] | undefined): [string | null, (root: string) => void] {
  const [choice, setChoice] = useState<string | null>(stored);
  const choose = (root: string) => {
    setChoice(root);
    try {
      window.sessionStorage.setItem(PROJECT_STORAGE_KEY, root);
    } catch {
      // Not remembered; the choice still applies to this screen.
    }
  };
  return [projects ? pickProject(projects, choice) : null, choose];
}

export function ProjectPicker({
  projects,
  value,
  onChange,
}: {
  projects: readonly ProjectRef[];
  value: string;
  onChange: (root: string) => void;
}) {
  const current = projects.find((p) => p.root === value);
  // Two projects of the same name are told apart by their folder.
  const clash = (name: string) => projects.filter((p) => p.name === name).length > 1;
  return (
    <label className="tl-picker">
      <span className="tl-picker__label">Project</span>
      <select
        className="select"
        data-testid="project-picker"
        value={value}
        title={current?.root}
        onChange={(event) => onChange(event.target.value)}
      >
        {projects.map((p) => (
          <option key={p.root} value={p.root} title={p.root}>
            {p.name}
            {clash(p.name) ? ` (${p.root})` : ""}
            {p.default ? " (opened)" : ""}
            {p.connections > 0 ? ` · ${p.connections} ${p.connections === 1 ? "connection" : "connections"}` : ""}
          </option>
        ))}
      </select>
    </label>
  );
}
