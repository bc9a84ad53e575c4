/** Hash routing (`#/timeline`) with no router package: one external store over location.hash. */
import { useSyncExternalStore } from "react";
import { hashForScreen, screenFromHash, type Screen } from "./routes";

const listeners = new Set<() => void>();

function notify() {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) window.addEventListener("hashchange", notify);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener("hashchange", notify);
  };
}

function getSnapshot(): Screen {
  return screenFromHash(window.location.hash);
}

export function navigate(screen: Screen): void {
  const hash = hashForScreen(screen);
  if (window.location.hash !== hash) window.location.hash = hash;
  // hashchange fires asynchronously; re-render now so keyboard focus can follow.
  notify();
}

export function useScreen(): Screen {
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
