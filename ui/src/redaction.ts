// Personal data and secrets while reviewing: the privacy screen's findings (computed by the core
// when an item is loaded, `Item.sensitive`) marked where they are shown and redacted into the
// reviewer's edit as typed placeholders ([EMAIL], [API_KEY], …). The core finds; this module
// only locates the found texts and replaces them, so the app never re-implements a detector.
import type { Item } from "./bindings/Item";
import type { Sensitive } from "./bindings/Sensitive";

/** Findings in the answer as the reviewer sees it: in the latest edit if there is one, else in the model's answer. */
export function shownAnswerFindings(item: Item): Sensitive[] {
  return findingsIn(item.sensitive, item.latest_edit?.kind === "answer" ? "edit" : "answer");
}

/** Findings of one evidence passage. */
export function passageFindings(sensitive: readonly Sensitive[], passageId: string): Sensitive[] {
  return sensitive.filter((s) => s.place === "evidence" && s.passage === passageId);
}

/** Findings of a comparison's candidate `index` (from 0). */
export function candidateFindings(sensitive: readonly Sensitive[], index: number): Sensitive[] {
  return sensitive.filter((s) => s.place === "candidate" && s.candidate === index);
}

/** Findings in `place` ("question", "answer" or "edit"). */
export function findingsIn(sensitive: readonly Sensitive[], place: "question" | "answer" | "edit"): Sensitive[] {
  return sensitive.filter((s) => s.place === place);
}

/** Distinct found texts, longest first, so a finding inside a longer one never splits it. */
function byLength(findings: readonly Sensitive[]): Sensitive[] {
  const seen = new Map<string, Sensitive>();
  for (const f of findings) if (f.text !== "" && !seen.has(f.text)) seen.set(f.text, f);
  return [...seen.values()].sort((a, b) => b.text.length - a.text.length);
}

/**
 * `text` with every occurrence of each finding's text replaced by its placeholder, and how many
 * occurrences were replaced (0: nothing to redact; `text` is returned as is).
 */
export function redactText(text: string, findings: readonly Sensitive[]): { text: string; replaced: number } {
  let replaced = 0;
  const out = segments(text, findings)
    .map((segment) => {
      if (segment.finding === null) return segment.text;
      replaced += 1;
      return segment.finding.placeholder;
    })
    .join("");
  return { text: replaced === 0 ? text : out, replaced };
}

export interface Segment {
  text: string;
  /** The finding this segment is an occurrence of, or null for plain text. */
  finding: Sensitive | null;
}

/** `text` cut into plain segments and occurrences of the findings' texts, in order; joined, the segments are `text`. */
export function segments(text: string, findings: readonly Sensitive[]): Segment[] {
  const ordered = byLength(findings);
  if (ordered.length === 0 || text === "") return [{ text, finding: null }];
  const out: Segment[] = [];
  let plainFrom = 0;
  let at = 0;
  while (at < text.length) {
    const hit = ordered.find((f) => text.startsWith(f.text, at));
    if (hit === undefined) {
      at += 1;
      continue;
    }
    if (plainFrom < at) out.push({ text: text.slice(plainFrom, at), finding: null });
    out.push({ text: hit.text, finding: hit });
    at += hit.text.length;
    plainFrom = at;
  }
  if (plainFrom < text.length) out.push({ text: text.slice(plainFrom), finding: null });
  return out;
}

const KIND_LABEL: Record<Sensitive["kind"], string> = {
  email: "E-mail address",
  phone: "Phone number",
  card: "Card number",
  iban: "IBAN",
  ipv4: "IP address",
  ipv6: "IP address",
  api_key: "API key",
  private_key: "Private key",
  jwt: "Access token (JWT)",
  connection_string: "Connection string with a password",
};

/** What a finding is, in words, for a tooltip or a list. */
export function kindLabel(kind: Sensitive["kind"]): string {
  return KIND_LABEL[kind];
}
