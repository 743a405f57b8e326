// Loads the guidelines of the shown item's domain and applies changes from the panel and the
// history's "Make guideline" buttons. A response for a domain no longer shown is dropped.
import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "./api";
import type { Guideline } from "./bindings/Guideline";
import { upsertGuideline, withoutGuideline } from "./guidelines";

export function useGuidelines(domain: string | null, onError: (message: string) => void) {
  const [list, setList] = useState<Guideline[]>([]);
  const shown = useRef(domain);
  useEffect(() => {
    shown.current = domain;
    setList([]);
    if (domain === null) return;
    api.guidelines(domain).then(
      (loaded) => {
        if (shown.current === domain) setList(loaded);
      },
      (thrown: unknown) => onError(`Guidelines could not be loaded: ${api.toCallError(thrown).message}`),
    );
  }, [domain, onError]);

  const apply = useCallback(
    (change: Promise<Guideline>) =>
      change.then(
        (entry) => {
          if (shown.current === entry.domain) setList((all) => upsertGuideline(all, entry));
          return true;
        },
        (thrown: unknown) => {
          onError(api.toCallError(thrown).message);
          return false;
        },
      ),
    [onError],
  );

  const add = useCallback((body: string) => (domain === null ? Promise.resolve(false) : apply(api.addGuideline(domain, body))), [apply, domain]);
  const promote = useCallback((decisionId: string) => apply(api.promoteNote(decisionId)), [apply]);
  const update = useCallback((id: number, body: string) => apply(api.updateGuideline(id, body)), [apply]);
  const archive = useCallback(
    (id: number) =>
      api.archiveGuideline(id).then(
        () => setList((all) => withoutGuideline(all, id)),
        (thrown: unknown) => onError(api.toCallError(thrown).message),
      ),
    [onError],
  );

  return { guidelines: list, add, promote, update, archive };
}
