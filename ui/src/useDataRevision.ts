import { useEffect, useRef } from "react";
import * as api from "./api";

/** How often the app asks whether an import completed elsewhere (e.g. `vetted import` in a terminal). */
export const REVISION_POLL_MS = 3000;

/**
 * Calls `onChange` when the data changed elsewhere: for a local database, when its data revision
 * grows after the first reading (an import completed); for a team server, whenever the server
 * announces a change by anyone (decisions, undo, redo, imports), without polling.
 */
export function useDataRevision(onChange: () => void, teamServer: boolean, onLiveFailed: (message: string) => void): void {
  const latest = useRef(onChange);
  const failed = useRef(onLiveFailed);
  useEffect(() => {
    latest.current = onChange;
    failed.current = onLiveFailed;
  });
  useEffect(() => {
    if (teamServer) {
      // The shell follows the server until another database opens (this screen goes with it).
      api.watchTeamServer(() => latest.current()).catch((thrown: unknown) =>
        failed.current(`Counts will not follow the others' work until you sign in again: ${api.toCallError(thrown).message}`),
      );
      return;
    }
    let seen: number | null = null;
    const poll = () =>
      api.dataRevision().then(
        (revision) => {
          if (seen !== null && revision !== seen) latest.current();
          seen = revision;
        },
        // A failed poll is retried at the next tick; the reviewer's work does not depend on it.
        () => undefined,
      );
    void poll();
    const timer = window.setInterval(() => void poll(), REVISION_POLL_MS);
    return () => window.clearInterval(timer);
  }, [teamServer]);
}
