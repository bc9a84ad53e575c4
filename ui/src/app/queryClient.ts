import { QueryClient } from "@tanstack/react-query";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // IPC failures are deterministic (a missing folder, a refused connection):
        // show them at once with a Retry button instead of retrying blindly.
        retry: false,
        staleTime: 5_000,
      },
    },
  });
}
