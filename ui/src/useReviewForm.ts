// The review form in force in the shown item's domain, fetched when the domain changes (not per
// item) and again when data changed behind the app (a form set from the CLI, say).
import { useEffect, useState } from "react";
import * as api from "./api";
import type { ReviewForm } from "./bindings/ReviewForm";

/** `domain`'s form, or null when it has none (or while it loads). */
export function useReviewForm(domain: string | null, revision: number): ReviewForm | null {
  const [held, setHeld] = useState<{ domain: string; form: ReviewForm | null } | null>(null);
  useEffect(() => {
    if (domain === null) return;
    let superseded = false;
    const hold = (form: ReviewForm | null) => {
      if (!superseded) setHeld({ domain, form });
    };
    // Unreadable: no form shown; the core still refuses a decision missing a required answer.
    api.reviewForm(domain).then(hold, () => hold(null));
    return () => {
      superseded = true;
    };
  }, [domain, revision]);
  return held !== null && held.domain === domain ? held.form : null;
}
