import { useEffect, useRef } from "react";
import * as api from "./api";

/** How often the app asks whether an import completed elsewhere (e.g. `vetted import` in a terminal). */
export const REVISION_POLL_MS = 3000;

/** Calls `onChange` when the database's data revision grows after the first reading. */
export function useDataRevision(onChange: () => void): void {
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  });
  useEffect(() => {
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
  }, []);
}
