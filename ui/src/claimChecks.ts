// Checking an answer claim by claim in the review loop, keyboard first: `c` starts, j/k (or the
// arrows) move between claims, 1–4 give the focused claim its verdict, `l` links the evidence text
// selected with the mouse (or the pre-selected hint sentence), `m` merges a claim with the next,
// `b` splits it, Esc is done. The verdicts go with the decision in one write. Pure: the hook holds
// the state, the core checks the claims again (claims are pieces of the model's answer, spans are
// counted in characters — code points, as the core and Python count them).
import type { Claim } from "./bindings/Claim";
import type { ClaimCheck } from "./bindings/ClaimCheck";
import type { ClaimVerdict } from "./bindings/ClaimVerdict";
import type { EvidenceSpan } from "./bindings/EvidenceSpan";
import type { PassageSupport } from "./bindings/PassageSupport";

export interface ClaimRow {
  text: string;
  /** Characters `start..end` of the model's answer. */
  start: number;
  end: number;
  support: readonly PassageSupport[];
  /** The sentence offered to link (the grounding hint), if any. */
  hint: EvidenceSpan | null;
  verdict: ClaimVerdict | null;
  spans: readonly EvidenceSpan[];
  /** The hint was linked by a verdict, not by the reviewer: another verdict may take it back. */
  hintLinked: boolean;
}

/** The claims of one item as the reviewer is settling them. */
export interface ClaimDraft {
  itemId: string | null;
  rows: readonly ClaimRow[];
  focused: number;
  /** The claim keys are on (`c` started, Esc ends). */
  active: boolean;
}

export const NO_CLAIMS: ClaimDraft = { itemId: null, rows: [], focused: 0, active: false };

/** The digit that gives each verdict, in the order the legend shows them. */
export const VERDICT_DIGITS: readonly (readonly [string, ClaimVerdict])[] = [
  ["1", "supported"],
  ["2", "unsupported"],
  ["3", "contradicted"],
  ["4", "not-checkable"],
];

export const VERDICT_LABEL: Record<ClaimVerdict, string> = {
  supported: "Supported",
  unsupported: "Unsupported",
  contradicted: "Contradicted",
  "not-checkable": "Not checkable",
};

/** The claim state of `itemId`: what was settled on it, or its claims as the core offers them. */
export function claimsOf(state: ClaimDraft, itemId: string, offered: readonly Claim[]): ClaimDraft {
  if (state.itemId === itemId) return state;
  return { itemId, focused: 0, active: false, rows: offered.map((c) => ({ ...c, verdict: null, spans: [], hintLinked: false })) };
}

const withRow = (state: ClaimDraft, change: (row: ClaimRow) => ClaimRow): ClaimDraft => {
  const row = state.rows[state.focused];
  if (row === undefined) return state;
  return { ...state, rows: state.rows.map((r, i) => (i === state.focused ? change(r) : r)) };
};

const restsOnEvidence = (verdict: ClaimVerdict) => verdict === "supported" || verdict === "contradicted";

/**
 * The focused claim gets `verdict` and the focus moves on. A supported or contradicted claim with
 * nothing linked yet links its hint sentence (the reviewer sees it and can unlink it with `l`); a
 * later unsupported or not-checkable verdict takes that hint back, a link the reviewer made stays.
 */
export function verdictGiven(state: ClaimDraft, verdict: ClaimVerdict): ClaimDraft {
  const next = withRow(state, (row) => {
    if (restsOnEvidence(verdict) && row.spans.length === 0 && row.hint !== null) return { ...row, verdict, spans: [row.hint], hintLinked: true };
    if (!restsOnEvidence(verdict) && row.hintLinked) return { ...row, verdict, spans: [], hintLinked: false };
    return { ...row, verdict };
  });
  return next === state ? state : { ...next, focused: Math.min(state.focused + 1, state.rows.length - 1) };
}

export function claimFocusMoved(state: ClaimDraft, delta: 1 | -1): ClaimDraft {
  if (state.rows.length === 0) return state;
  return { ...state, focused: Math.min(Math.max(state.focused + delta, 0), state.rows.length - 1) };
}

const sameSpan = (a: EvidenceSpan, b: EvidenceSpan) => a.passage === b.passage && a.start === b.start && a.end === b.end;

/** Links `span` to the focused claim, or unlinks it when it is linked already. */
export function linkToggled(state: ClaimDraft, span: EvidenceSpan): ClaimDraft {
  return withRow(state, (row) => ({
    ...row,
    spans: row.spans.some((s) => sameSpan(s, span)) ? row.spans.filter((s) => !sameSpan(s, span)) : [...row.spans, span],
    hintLinked: false,
  }));
}

/** Characters `start..end` of `text` (code points). */
export function charSlice(text: string, start: number, end: number): string {
  return Array.from(text).slice(start, end).join("");
}

/**
 * The focused claim merged with the next one: the answer's text from the first's start to the
 * second's end; the verdict and links start over (the merged claim says something new).
 */
export function merged(state: ClaimDraft, answer: string): ClaimDraft {
  const first = state.rows[state.focused];
  const second = state.rows[state.focused + 1];
  if (first === undefined || second === undefined) return state;
  const row: ClaimRow = {
    text: charSlice(answer, first.start, second.end),
    start: first.start,
    end: second.end,
    support: first.support.length >= second.support.length ? first.support : second.support,
    hint: first.hint ?? second.hint,
    verdict: null,
    spans: [],
    hintLinked: false,
  };
  return { ...state, rows: [...state.rows.slice(0, state.focused), row, ...state.rows.slice(state.focused + 2)] };
}

/**
 * Where `b` splits the focused claim when nothing is selected: after the clause mark (`;`, `:`,
 * `,`) or before the `and`/`but` nearest its middle. A claim offset, or null when it has none.
 */
export function clauseBreak(text: string): number | null {
  const chars = Array.from(text);
  const candidates: number[] = [];
  chars.forEach((c, i) => {
    if ((c === ";" || c === ":" || c === ",") && chars[i + 1] === " ") candidates.push(i + 2);
  });
  const joined = chars.join("");
  for (const match of joined.matchAll(/ (and|but) /g)) candidates.push(Array.from(joined.slice(0, match.index)).length + 1);
  const middle = chars.length / 2;
  const best = candidates.sort((a, b) => Math.abs(a - middle) - Math.abs(b - middle))[0];
  return best === undefined || best <= 0 || best >= chars.length ? null : best;
}

/**
 * The focused claim split at character `at` of the claim (from `clauseBreak` or a selection):
 * two claims without the space between them; null when `at` leaves an empty part.
 */
export function splitAt(state: ClaimDraft, answer: string, at: number): ClaimDraft | null {
  const row = state.rows[state.focused];
  if (row === undefined) return null;
  const chars = Array.from(row.text);
  const head = chars.slice(0, at).join("");
  const tail = chars.slice(at).join("");
  if (head.trim() === "" || tail.trim() === "") return null;
  const headEnd = row.start + Array.from(head.trimEnd()).length;
  const tailStart = row.start + at + (Array.from(tail).length - Array.from(tail.trimStart()).length);
  const part = (start: number, end: number): ClaimRow => ({ ...row, text: charSlice(answer, start, end), start, end, verdict: null, spans: [], hintLinked: false });
  const rows = [...state.rows.slice(0, state.focused), part(row.start, headEnd), part(tailStart, row.end), ...state.rows.slice(state.focused + 1)];
  return { ...state, rows };
}

/**
 * The span of a passage that a text selection covers, in characters: the first occurrence of the
 * selected text in the passage's text. Null when it is not there (a selection across formatting
 * marks or passages).
 */
export function spanOfSelection(passageId: string, passageText: string, selected: string): EvidenceSpan | null {
  const text = selected.trim();
  if (text === "") return null;
  const at = passageText.indexOf(text);
  if (at < 0) return null;
  const start = Array.from(passageText.slice(0, at)).length;
  return { passage: passageId, start, end: start + Array.from(text).length, text };
}

/** What the decision records: the claims that have a verdict, in order. */
export function checksOf(state: ClaimDraft): ClaimCheck[] {
  return state.rows.flatMap((row) => (row.verdict === null ? [] : [{ claim: row.text, verdict: row.verdict, spans: [...row.spans] }]));
}

/** How many claims are marked unsupported or contradicted. */
export function doubtfulCount(state: ClaimDraft): number {
  return state.rows.filter((row) => row.verdict === "unsupported" || row.verdict === "contradicted").length;
}
