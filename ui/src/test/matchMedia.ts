/** A controllable `prefers-color-scheme` for jsdom, which has no matchMedia. */

let systemDark = false;
const listeners = new Set<(event: MediaQueryListEvent) => void>();

function queryList(query: string): MediaQueryList {
  const isDarkQuery = query.replace(/\s/g, "") === "(prefers-color-scheme:dark)";
  return {
    media: query,
    get matches() {
      return isDarkQuery && systemDark;
    },
    onchange: null,
    addEventListener: (_type: string, listener: (event: MediaQueryListEvent) => void) => {
      if (isDarkQuery) listeners.add(listener);
    },
    removeEventListener: (_type: string, listener: (event: MediaQueryListEvent) => void) => {
      listeners.delete(listener);
    },
    addListener: () => {},
    removeListener: () => {},
    dispatchEvent: () => false,
  } as unknown as MediaQueryList;
}

export function installMatchMedia(): void {
  Object.defineProperty(window, "matchMedia", {
    configurable: true,
    writable: true,
    value: queryList,
  });
}

/** Flip the OS theme, notifying listeners as a real OS switch would. */
export function setSystemDark(dark: boolean): void {
  systemDark = dark;
  for (const listener of [...listeners]) {
    listener({ matches: dark, media: "(prefers-color-scheme: dark)" } as MediaQueryListEvent);
  }
}
