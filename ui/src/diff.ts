// Word-level diff for edits: the longest common subsequence of word tokens, reported as runs of
// kept, inserted and deleted text. Whitespace travels with the word before it, so joining the
// `kept` and `inserted` parts gives back the new text and `kept` + `deleted` the old one.

export type DiffKind = "kept" | "inserted" | "deleted";

export interface DiffPart {
  kind: DiffKind;
  text: string;
}

/** Splits text into words, each with its trailing whitespace (leading whitespace is its own token). */
export function wordTokens(text: string): string[] {
  return text.match(/^\s+|\S+\s*/g) ?? [];
}

const word = (token: string) => token.trim();

/**
 * Diffs `before` against `after` word by word. Tokens are compared without their whitespace, so
 * re-wrapping a line is not a change. O(n·m) time and memory: fine for answers (hundreds of words).
 */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = wordTokens(before);
  const b = wordTokens(after);
  // lcs[i][j] = length of the LCS of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = word(a[i]!) === word(b[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const parts: DiffPart[] = [];
  const push = (kind: DiffKind, text: string) => {
    const last = parts[parts.length - 1];
    if (last !== undefined && last.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (word(a[i]!) === word(b[j]!)) {
      push("kept", b[j]!);
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      push("deleted", a[i++]!);
    } else {
      push("inserted", b[j++]!);
    }
  }
  while (i < a.length) push("deleted", a[i++]!);
  while (j < b.length) push("inserted", b[j++]!);
  return parts;
}

/** Number of words inserted and deleted: a summary for the diff header. */
export function diffStats(parts: DiffPart[]): { inserted: number; deleted: number } {
  const count = (kind: DiffKind) =>
    parts.filter((part) => part.kind === kind).reduce((n, part) => n + (part.text.match(/\S+/g)?.length ?? 0), 0);
  return { inserted: count("inserted"), deleted: count("deleted") };
}
