/** TanStack Query hooks over the IPC client; the only place query keys are spelled. */
import { useQuery } from "@tanstack/react-query";
import { ipc, type HistoryFilter } from "./client";

export const queryKeys = {
  appInfo: ["appInfo"] as const,
  currentProject: ["currentProject"] as const,
  /** The saved connections; every connection mutation invalidates it. */
  connections: ["connections"] as const,
  projects: ["projects"] as const,
  /** Everything about one project's databases; runs and admin operations invalidate it. */
  timeline: (project: string) => ["timeline", project] as const,
  detail: (project: string, version: string) => ["timeline", project, "detail", version] as const,
  history: (project: string, filter: HistoryFilter) => ["timeline", project, "history", filter] as const,
  /** A target's live schema; under the timeline's key, so runs refresh it. */
  schema: (project: string, target: string) => ["timeline", project, "schema", target] as const,
  effect: (project: string, target: string, version: string | null) =>
    ["timeline", project, "effect", target, version] as const,
  compare: (project: string, a: string, b: string) => ["timeline", project, "compare", a, b] as const,
  /** Drift and the schema at a version: under the timeline's key, so runs check again. */
  drift: (project: string, target: string) => ["timeline", project, "drift", target] as const,
  compareVersion: (project: string, target: string, version: string) =>
    ["timeline", project, "compareVersion", target, version] as const,
  /** The Seeds screen's reads; a seed run invalidates the project's timeline key too. */
  seedCatalog: (project: string) => ["seeds", project, "catalog"] as const,
  seedTargets: (project: string) => ["seeds", project, "targets"] as const,
  seedProfiles: (project: string) => ["seeds", project, "profiles"] as const,
  seedSecrets: (project: string) => ["seeds", project, "secrets"] as const,
};

export function useAppInfo() {
  return useQuery({
    queryKey: queryKeys.appInfo,
    queryFn: ipc.appInfo,
    // Versions and compiled-in engines cannot change while the app runs.
    staleTime: Infinity,
  });
}

export function useCurrentProject() {
  return useQuery({
    queryKey: queryKeys.currentProject,
    queryFn: ipc.currentProject,
  });
}

export function useConnections() {
  return useQuery({
    queryKey: queryKeys.connections,
    queryFn: ipc.listConnections,
  });
}

export function useProjects() {
  return useQuery({ queryKey: queryKeys.projects, queryFn: ipc.listProjects });
}

export function useTimeline(project: string | null) {
  return useQuery({
    queryKey: queryKeys.timeline(project ?? ""),
    queryFn: () => ipc.timeline(project ?? ""),
    enabled: project !== null,
  });
}

export function useMigrationDetail(project: string, version: string | null) {
  return useQuery({
    queryKey: queryKeys.detail(project, version ?? ""),
    queryFn: () => ipc.migrationDetail(project, version ?? ""),
    enabled: version !== null,
  });
}

export function useHistoryLog(project: string | null, filter: HistoryFilter) {
  return useQuery({
    queryKey: queryKeys.history(project ?? "", filter),
    queryFn: () => ipc.historyLog(project ?? "", filter),
    enabled: project !== null,
  });
}

export function useTargetSchema(project: string | null, target: string | null) {
  return useQuery({
    queryKey: queryKeys.schema(project ?? "", target ?? ""),
    queryFn: () => ipc.schemaOf(project ?? "", target ?? ""),
    enabled: project !== null && target !== null,
  });
}

export function useMigrationEffect(project: string, target: string | null, version: string | null) {
  return useQuery({
    queryKey: queryKeys.effect(project, target ?? "", version),
    queryFn: () => ipc.migrationEffect(project, target ?? "", version),
    enabled: target !== null,
  });
}

export function useComparison(project: string | null, a: string | null, b: string | null) {
  return useQuery({
    queryKey: queryKeys.compare(project ?? "", a ?? "", b ?? ""),
    queryFn: () => ipc.compareTargets(project ?? "", a ?? "", b ?? ""),
    enabled: project !== null && a !== null && b !== null && a !== b,
  });
}

/** Each check builds a scratch database: not again merely because the window got focus. */
export function useDrift(project: string, target: string) {
  return useQuery({
    queryKey: queryKeys.drift(project, target),
    queryFn: () => ipc.schemaDrift(project, target),
    refetchOnWindowFocus: false,
  });
}

export function useVersionComparison(project: string, target: string, version: string) {
  return useQuery({
    queryKey: queryKeys.compareVersion(project, target, version),
    queryFn: () => ipc.compareVersion(project, target, version),
    refetchOnWindowFocus: false,
  });
}

export function useSeedCatalog(project: string | null) {
  return useQuery({
    queryKey: queryKeys.seedCatalog(project ?? ""),
    queryFn: () => ipc.seedCatalog(project ?? "", null),
    enabled: project !== null,
  });
}

export function useSeedTargets(project: string | null) {
  return useQuery({
    queryKey: queryKeys.seedTargets(project ?? ""),
    queryFn: () => ipc.seedTargets(project ?? ""),
    enabled: project !== null,
  });
}

export function useSeedProfiles(project: string | null) {
  return useQuery({
    queryKey: queryKeys.seedProfiles(project ?? ""),
    queryFn: () => ipc.seedProfiles(project ?? ""),
    enabled: project !== null,
  });
}

/** Read only while `needed`: the keychain is not asked about secrets no chosen dataset names. */
export function useSeedSecrets(project: string | null, needed = true) {
  return useQuery({
    queryKey: queryKeys.seedSecrets(project ?? ""),
    queryFn: () => ipc.seedSecrets(project ?? ""),
    enabled: project !== null && needed,
  });
}
