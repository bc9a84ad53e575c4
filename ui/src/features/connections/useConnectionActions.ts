/** The Connections screen's mutations. Each one invalidates the list, which the backend owns. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ipc, type ConnectionProfile, type PasswordInput } from "../../ipc/client";
import { queryKeys } from "../../ipc/queries";

function useInvalidateConnections() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: queryKeys.connections });
}

export function useSaveConnection() {
  const invalidate = useInvalidateConnections();
  return useMutation({
    mutationFn: ({ profile, password }: { profile: ConnectionProfile; password: PasswordInput }) =>
      ipc.saveConnection(profile, password),
    onSuccess: invalidate,
  });
}

export function useDuplicateConnection() {
  const invalidate = useInvalidateConnections();
  return useMutation({ mutationFn: (id: string) => ipc.duplicateConnection(id), onSuccess: invalidate });
}

export function useDeleteConnection() {
  const invalidate = useInvalidateConnections();
  return useMutation({ mutationFn: (id: string) => ipc.deleteConnection(id), onSuccess: invalidate });
}

export function useSetLocked() {
  const invalidate = useInvalidateConnections();
  return useMutation({
    mutationFn: ({ id, locked }: { id: string; locked: boolean }) =>
      locked ? ipc.lockConnection(id) : ipc.unlockConnection(id),
    onSuccess: invalidate,
  });
}

export function useProvideSessionPassword() {
  const invalidate = useInvalidateConnections();
  return useMutation({
    mutationFn: ({ id, password }: { id: string; password: string }) =>
      ipc.provideSessionPassword(id, password),
    onSuccess: invalidate,
  });
}

export function useImportConnections() {
  const invalidate = useInvalidateConnections();
  return useMutation({ mutationFn: (path: string) => ipc.importConnections(path), onSuccess: invalidate });
}

export function useExportConnections() {
  return useMutation({ mutationFn: (path: string) => ipc.exportConnections(path) });
}

export function useSetAsideConnectionsFile() {
  const invalidate = useInvalidateConnections();
  return useMutation({ mutationFn: () => ipc.setAsideConnectionsFile(), onSuccess: invalidate });
}

/** Attach a project folder to a named group, or detach it (`projectDir` null). */
export function useSetGroupProject() {
  const invalidate = useInvalidateConnections();
  return useMutation({
    mutationFn: ({ group, projectDir }: { group: string; projectDir: string | null }) =>
      ipc.setGroupProject(group, projectDir),
    onSuccess: invalidate,
  });
}

/** Test a saved connection; its row (last test, server version) changes, so the list refetches. */
export function useTestConnection() {
  const invalidate = useInvalidateConnections();
  return useMutation({ mutationFn: (id: string) => ipc.testConnection(id), onSuccess: invalidate });
}

/** Test the form's values; nothing is saved, so nothing is invalidated. */
export function useTestDraft() {
  return useMutation({
    mutationFn: ({ profile, password }: { profile: ConnectionProfile; password: PasswordInput }) =>
      ipc.testConnectionDraft(profile, password),
  });
}
