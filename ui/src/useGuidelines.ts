// Loads the guidelines of the shown item's domain and applies changes from the panel and the
// history's "Make guideline" buttons. A response for a domain no longer shown is dropped.
//
// The list is held with its domain and read through the shown domain, so showing an item of
// another domain needs no state change of its own (clearing the list in the effect rendered the
// whole app a second time before the item's frame); a domain without guidelines is held as null,
// so its (empty) answer renders nothing either.
import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "./api";
import type { Guideline } from "./bindings/Guideline";
import { upsertGuideline, withoutGuideline } from "./guidelines";

const NONE: Guideline[] = [];

type Held = { domain: string; list: Guideline[] } | null;
const held = (domain: string, list: Guideline[]): Held => (list.length === 0 ? null : { domain, list });

export function useGuidelines(domain: string | null, onError: (message: string) => void) {
  const [loaded, setLoaded] = useState<Held>(null);
  const list = loaded !== null && loaded.domain === domain ? loaded.list : NONE;
  const shown = useRef(domain);
  const [revision, setRevision] = useState(0);
  const reload = useCallback(() => setRevision((n) => n + 1), []);
  /** Changes the list of `of` (the domain shown when the change was asked for). */
  const change = useCallback((of: string, edit: (all: Guideline[]) => Guideline[]) => {
    setLoaded((current) => held(of, edit(current?.domain === of ? current.list : NONE)));
  }, []);
  useEffect(() => {
    shown.current = domain;
    if (domain === null) return;
    api.guidelines(domain).then(
      (answer) => {
        if (shown.current === domain) setLoaded(held(domain, answer));
      },
      (thrown: unknown) => onError(`Guidelines could not be loaded: ${api.toCallError(thrown).message}`),
    );
  }, [domain, onError, revision]);

  const apply = useCallback(
    (request: Promise<Guideline>) =>
      request.then(
        (entry) => {
          if (shown.current === entry.domain) change(entry.domain, (all) => upsertGuideline(all, entry));
          return true;
        },
        (thrown: unknown) => {
          onError(api.toCallError(thrown).message);
          return false;
        },
      ),
    [onError, change],
  );

  const add = useCallback((body: string) => (domain === null ? Promise.resolve(false) : apply(api.addGuideline(domain, body))), [apply, domain]);
  const promote = useCallback((decisionId: string) => apply(api.promoteNote(decisionId)), [apply]);
  const update = useCallback((id: number, body: string) => apply(api.updateGuideline(id, body)), [apply]);
  const archive = useCallback(
    (id: number) =>
      api.archiveGuideline(id).then(
        () => {
          if (shown.current !== null) change(shown.current, (all) => withoutGuideline(all, id));
        },
        (thrown: unknown) => onError(api.toCallError(thrown).message),
      ),
    [onError, change],
  );

  return { guidelines: list, add, promote, update, archive, reload };
}
