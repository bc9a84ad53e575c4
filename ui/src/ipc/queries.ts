/** TanStack Query hooks over the IPC client; the only place query keys are spelled. */
import { useQuery } from "@tanstack/react-query";
import { ipc } from "./client";

export const queryKeys = {
  appInfo: ["appInfo"] as const,
  currentProject: ["currentProject"] as const,
  /** The saved connections; every connection mutation invalidates it. */
  connections: ["connections"] as const,
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
