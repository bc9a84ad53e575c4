import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { isTauri } from "../platform/tauri";
import { Shell } from "./layout/Shell";
import { NoBackend } from "./NoBackend";
import { createQueryClient } from "./queryClient";
import { ThemeProvider } from "./theme";
import "./layout/layout.css";

export function App({ queryClient }: { queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  const [hasBackend] = useState(isTauri);
  return (
    <ThemeProvider>
      {hasBackend ? (
        <QueryClientProvider client={client}>
          <Shell />
        </QueryClientProvider>
      ) : (
        <NoBackend />
      )}
    </ThemeProvider>
  );
}
