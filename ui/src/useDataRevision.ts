import { useEffect, useRef } from "react";
import * as api from "./api";

/** How often the app asks whether an import completed elsewhere (e.g. `vetted import` in a terminal). */
export const REVISION_POLL_MS = 3000;

/**
 * On a team server, at most one refresh per this long: with many reviewers the announcements come
 * in bursts, and each refresh counts the server's items.
 */
export const LIVE_REFRESH_MS = 1000;

/** What changed elsewhere, as far as it is known: a team server names the domains whose guidelines,
 * review form or claim settings, and the items whose tags, do-not-train mark or vetting verdict changed, and says
 * whether data products were registered or refreshed; a local database names nothing. */
export interface DataChange {
  guidelines: ReadonlySet<string>;
  annotated: ReadonlySet<string>;
  forms: ReadonlySet<string>;
  products: boolean;
}

const NOTHING_NAMED: DataChange = { guidelines: new Set(), annotated: new Set(), forms: new Set(), products: false };

function nothingYet(): { guidelines: Set<string>; annotated: Set<string>; forms: Set<string>; products: boolean } {
  return { guidelines: new Set(), annotated: new Set(), forms: new Set(), products: false };
}

/**
 * Calls `onChange` when the data changed elsewhere: for a local database, when its data revision
 * grows after the first reading (an import completed); for a team server, whenever the server
 * announces a change by anyone (decisions, undo, redo, imports, guidelines, tags, marks, forms, products), without
 * polling. Announcements held back by the pacing are gathered into the next call.
 */
export function useDataRevision(onChange: (change: DataChange) => void, teamServer: boolean, onLiveFailed: (message: string) => void): void {
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
      let gathered = nothingYet();
      const changed = (event: { guidelines: string[]; annotated: string[]; forms: string[]; products: boolean }) => {
        event.guidelines.forEach((domain) => gathered.guidelines.add(domain));
        event.annotated.forEach((item) => gathered.annotated.add(item));
        event.forms.forEach((domain) => gathered.forms.add(domain));
        gathered.products ||= event.products;
        if (timer !== null) return;
        timer = window.setTimeout(
          () => {
            timer = null;
            last = Date.now();
            const change = gathered;
            gathered = nothingYet();
            latest.current(change);
          },
          Math.max(0, last + LIVE_REFRESH_MS - Date.now()),
        );
      };
      // The shell follows the server until another database opens (this screen goes with it).
      api
        .watchTeamServer((event) => (event.kind === "changed" ? changed(event) : lost(event.message)))
        .catch((thrown: unknown) => lost(api.toCallError(thrown).message));
      return () => {
        if (timer !== null) window.clearTimeout(timer);
      };
    }
    let seen: number | null = null;
    const poll = () =>
      api.dataRevision().then(
        (revision) => {
          if (seen !== null && revision !== seen) latest.current(NOTHING_NAMED);
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
