// Grounding hints without an LLM: for each answer sentence, which evidence passages share enough
// of its content words to plausibly support it. A lexical heuristic to direct the reviewer's eye
// to likely hallucinations — never a verdict. GROUNDING_EXPLANATION is shown in a tooltip.
import type { Evidence } from "./bindings/Evidence";

/** Share of a sentence's content words that must appear in one passage. */
export const SUPPORT_THRESHOLD = 0.5;

export const GROUNDING_EXPLANATION =
  "Hint, not a verdict: a sentence counts as supported when at least half of its content words " +
  "(words of 3+ letters that are not common function words, and all numbers) appear in one evidence passage. " +
  "Paraphrases can look unsupported and copied-but-wrong claims can look supported.";

const STOPWORDS = new Set(
  ("the and for are but not you all any can had her was one our out his has him how its may who did get " +
    "let put say she too use that with have this will your from they been were what when which their there " +
    "would could should about into than then them these those some such only also more most other very just " +
    "over after before while where being does each because between through during").split(" "),
);

/** Lower-cased content words: 3+ letters and not a stopword, or any number. */
export function contentWords(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+(?:[.,'’][\p{L}\p{N}]+)*/gu) ?? [];
  return new Set(words.filter((w) => /^\p{N}/u.test(w) || (w.length >= 3 && !STOPWORDS.has(w))));
}

/** Splits an answer into sentences at . ! ? followed by whitespace, and at line breaks. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export interface PassageSupport {
  passageId: string;
  /** Sentence words found in the passage. */
  shared: string[];
  overlap: number;
}

export interface SentenceGrounding {
  sentence: string;
  /** Passages at or above the threshold, best first. */
  support: PassageSupport[];
  /** False when no passage reaches the threshold (or the sentence has no content words). */
  supported: boolean;
}

export function groundSentences(answer: string, evidence: Evidence[]): SentenceGrounding[] {
  const passages = evidence.map((passage) => ({ id: passage.id, words: contentWords(`${passage.title} ${passage.text}`) }));
  return sentences(answer).map((sentence) => {
    const words = [...contentWords(sentence)];
    const support = passages
      .map((passage) => {
        const shared = words.filter((w) => passage.words.has(w));
        return { passageId: passage.id, shared, overlap: words.length === 0 ? 0 : shared.length / words.length };
      })
      .filter((s) => s.overlap >= SUPPORT_THRESHOLD)
      .sort((a, b) => b.overlap - a.overlap);
    return { sentence, support, supported: support.length > 0 };
  });
}

/**
 * The passage a citation names: a passage whose id is `ref` (e.g. "doc-3"), else the ref-th
 * passage for a number ("1" is the first). Null when it names nothing.
 */
export function citedPassage(ref: string, evidence: Evidence[]): Evidence | null {
  const byId = evidence.find((passage) => passage.id === ref);
  if (byId !== undefined) return byId;
  return /^\d+$/.test(ref) ? (evidence[Number(ref) - 1] ?? null) : null;
}
