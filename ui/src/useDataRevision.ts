import { useEffect, useRef } from "react";
import * as api from "./api";

/** How often the app asks whether an import completed elsewhere (e.g. `vetted import` in a terminal). */
export const REVISION_POLL_MS = 3000;

/**
 * On a team server, at most one refresh per this long: with many reviewers the announcements come
 * in bursts, and each refresh counts the server's items.
 */
export const LIVE_REFRESH_MS = 1000;

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
      const lost = (why: string) => failed.current(`Counts no longer follow the others' work (${why}); sign in again with File → Connect to team server…`);
      // The first announcement refreshes at once, the next ones at most once per LIVE_REFRESH_MS.
      let last = 0;
      let timer: number | null = null;
      const changed = () => {
        if (timer !== null) return;
        timer = window.setTimeout(
          () => {
            timer = null;
            last = Date.now();
            latest.current();
          },
          Math.max(0, last + LIVE_REFRESH_MS - Date.now()),
        );
      };
      // The shell follows the server until another database opens (this screen goes with it).
      api
        .watchTeamServer((event) => (event.kind === "changed" ? changed() : lost(event.message)))
        .catch((thrown: unknown) => lost(api.toCallError(thrown).message));
      return () => {
        if (timer !== null) window.clearTimeout(timer);
      };
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
