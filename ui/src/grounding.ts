// Grounding hints are computed by the core with each item's claims (`Item.claims`: which evidence
// passages share enough of a claim's content words to plausibly support it). GROUNDING_EXPLANATION
// is shown in a tooltip; citations in an answer are resolved here.
import type { Evidence } from "./bindings/Evidence";

export const GROUNDING_EXPLANATION =
  "Hint, not a verdict: a claim counts as supported when at least half of its content words " +
  "(words of 3+ letters that are not common function words, and all numbers) appear in one evidence passage. " +
  "Paraphrases can look unsupported and copied-but-wrong claims can look supported.";

/**
 * The passage a citation names: a passage whose id is `ref` (e.g. "doc-3"), else the ref-th
 * passage for a number ("1" is the first). Null when it names nothing.
 */
export function citedPassage(ref: string, evidence: Evidence[]): Evidence | null {
  const byId = evidence.find((passage) => passage.id === ref);
  if (byId !== undefined) return byId;
  return /^\d+$/.test(ref) ? (evidence[Number(ref) - 1] ?? null) : null;
}
