// The review form in force in the shown item's domain. Forms are kept per domain once fetched
// (moving between items costs nothing) and fetched again when data changed behind the app (a form
// set from the CLI, say).
import { useEffect, useRef, useState } from "react";
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
  const forms = useRef({ revision, byDomain: new Map<string, ReviewForm | null>() });
  if (forms.current.revision !== revision) forms.current = { revision, byDomain: new Map() };
  const [, setFetched] = useState(0);
  useEffect(() => {
    const held = forms.current;
    if (domain === null || held.byDomain.has(domain)) return;
    const hold = (form: ReviewForm | null) => {
      held.byDomain.set(domain, form);
      setFetched((n) => n + 1);
    };
    api.reviewForm(domain).then(hold, () => hold(null));
  }, [domain, revision]);
  if (domain === null) return { form: null, loading: false };
  const byDomain = forms.current.byDomain;
  return byDomain.has(domain) ? { form: byDomain.get(domain) ?? null, loading: false } : { form: null, loading: true };
}
