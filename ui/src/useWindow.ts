// The window's database: which one is open (or none: the welcome screen), the recent list, and
// the actions that open, create, switch and close. Every action resolves to the shell's new
// window state; a failed open is in `state.failure` (the current database, if any, stays open).
import { useCallback, useEffect, useState } from "react";
import * as api from "./api";
import type { TeamSignIn } from "./bindings/TeamSignIn";
import type { WindowState } from "./bindings/WindowState";

/** What the File menu and the welcome screen can do with databases. */
export interface DatabaseActions {
  newDatabase: () => void;
  openDatabase: () => void;
  openDemo: () => void;
  openRecent: (path: string) => void;
  forgetRecent: (path: string) => void;
  closeDatabase: () => void;
  /** Shows Connect to team server…. */
  connectTeamServer: () => void;
}

export interface WindowModel {
  /** Null until the shell answered. */
  state: WindowState | null;
  /** An action the shell refused (a job still running, …) or an IPC failure. */
  error: api.CallError | null;
  /** An action is in flight: buttons wait (a demo's first import takes a moment). */
  busy: boolean;
  actions: DatabaseActions;
  dismissError: () => void;
  /** Connect to team server… is shown. */
  connecting: boolean;
  stopConnecting: () => void;
  /** Signed in: the window shows the server; `notice` says what did not go as asked. */
  signedIn: (signIn: TeamSignIn) => void;
  /** Something to tell after a sign-in (the keyring did not keep the password). */
  notice: string | null;
  dismissNotice: () => void;
}

export function useWindow(): WindowModel {
  const [state, setState] = useState<WindowState | null>(null);
  const [error, setError] = useState<api.CallError | null>(null);
  const [busy, setBusy] = useState(false);
  const [connecting, setConnecting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const run = useCallback((action: () => Promise<WindowState>) => {
    setBusy(true);
    setError(null);
    action().then(
      (next) => {
        setState(next);
        setBusy(false);
      },
      (thrown: unknown) => {
        setError(api.toCallError(thrown));
        setBusy(false);
      },
    );
  }, []);

  useEffect(() => run(api.windowState), [run]);

  const [actions] = useState<DatabaseActions>(() => ({
    newDatabase: () => run(api.newDatabase),
    openDatabase: () => run(api.openDatabase),
    openDemo: () => run(api.openDemo),
    openRecent: (path) => run(() => api.openRecent(path)),
    forgetRecent: (path) => run(() => api.forgetRecent(path)),
    closeDatabase: () => run(api.closeDatabase),
    connectTeamServer: () => setConnecting(true),
  }));
  const signedIn = useCallback((signIn: TeamSignIn) => {
    setConnecting(false);
    setError(null);
    setState(signIn.window);
    setNotice(signIn.keyring_problem);
  }, []);
  return {
    state,
    error,
    busy,
    actions,
    dismissError: () => setError(null),
    connecting,
    stopConnecting: () => setConnecting(false),
    signedIn,
    notice,
    dismissNotice: () => setNotice(null),
  };
}
