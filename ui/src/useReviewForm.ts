// The review form in force in the shown item's domain. Forms are kept per domain once fetched
// (moving between items costs nothing) and fetched again when data changed behind the app (a form
// set from the CLI, say).
import { useEffect, useState } from "react";
import * as api from "./api";
import type { ReviewForm } from "./bindings/ReviewForm";

export interface ShownForm {
  /** The domain's form; null when it has none (or could not be read: the core still checks). */
  form: ReviewForm | null;
  /** Not fetched yet: whether the domain asks a form is not known. */
  loading: boolean;
}

/** `revision` changes when forms may have changed (data behind the app, a form saved here). */
export function useReviewForm(domain: string | null, revision: string): ShownForm {
  // Forms fetched under `revision`; a newer revision starts an empty map.
  const [held, setHeld] = useState(() => ({ revision, byDomain: new Map<string, ReviewForm | null>() }));
  const current = held.revision === revision ? held.byDomain : null;
  useEffect(() => {
    if (domain === null || current?.has(domain) === true) return;
    let superseded = false;
    const hold = (form: ReviewForm | null) => {
      if (superseded) return;
      setHeld((now) => {
        const byDomain = new Map(now.revision === revision ? now.byDomain : []);
        byDomain.set(domain, form);
        return { revision, byDomain };
      });
    };
    // Unreadable: shown as no form until data changes behind the app (the core still refuses a
    // decision missing a required answer, and says which).
    api.reviewForm(domain).then(hold, () => hold(null));
    return () => {
      superseded = true;
    };
  }, [domain, revision, current]);
  if (domain === null) return { form: null, loading: false };
  return current?.has(domain) === true ? { form: current.get(domain) ?? null, loading: false } : { form: null, loading: true };
}
