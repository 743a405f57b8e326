// Hostile-text defence, shared by everything that shows untrusted text (answers, evidence,
// notes, product and field names, sample cells, queue titles). Bidi controls can reorder what a
// reviewer reads ("RLO" makes "txt.exe" look like "exe.txt") and zero-width characters hide
// differences between two strings that look the same. Each such character is replaced by a
// visible token naming it, so it is seen and has no effect on layout. This module decides *what*
// is shown; components/SafeText.tsx renders it. Nothing else should test for these characters.

export interface InvisibleChar {
  /** The character itself (never rendered). */
  char: string;
  /** "U+202E" */
  codePoint: string;
  /** Short token shown in place of the character, e.g. "RLO". */
  abbr: string;
  /** Unicode name, e.g. "RIGHT-TO-LEFT OVERRIDE". */
  name: string;
  kind: "bidi" | "zero-width";
}

const TABLE: Array<[number, string, string, InvisibleChar["kind"]]> = [
  [0x202a, "LRE", "LEFT-TO-RIGHT EMBEDDING", "bidi"],
  [0x202b, "RLE", "RIGHT-TO-LEFT EMBEDDING", "bidi"],
  [0x202c, "PDF", "POP DIRECTIONAL FORMATTING", "bidi"],
  [0x202d, "LRO", "LEFT-TO-RIGHT OVERRIDE", "bidi"],
  [0x202e, "RLO", "RIGHT-TO-LEFT OVERRIDE", "bidi"],
  [0x2066, "LRI", "LEFT-TO-RIGHT ISOLATE", "bidi"],
  [0x2067, "RLI", "RIGHT-TO-LEFT ISOLATE", "bidi"],
  [0x2068, "FSI", "FIRST STRONG ISOLATE", "bidi"],
  [0x2069, "PDI", "POP DIRECTIONAL ISOLATE", "bidi"],
  [0x200e, "LRM", "LEFT-TO-RIGHT MARK", "bidi"],
  [0x200f, "RLM", "RIGHT-TO-LEFT MARK", "bidi"],
  [0x061c, "ALM", "ARABIC LETTER MARK", "bidi"],
  [0x200b, "ZWSP", "ZERO WIDTH SPACE", "zero-width"],
  [0x200c, "ZWNJ", "ZERO WIDTH NON-JOINER", "zero-width"],
  [0x200d, "ZWJ", "ZERO WIDTH JOINER", "zero-width"],
  [0x2060, "WJ", "WORD JOINER", "zero-width"],
  [0xfeff, "ZWNBSP", "ZERO WIDTH NO-BREAK SPACE (BOM)", "zero-width"],
];

const BY_CHAR: ReadonlyMap<string, InvisibleChar> = new Map(
  TABLE.map(([code, abbr, name, kind]) => {
    const char = String.fromCodePoint(code);
    return [char, { char, codePoint: `U+${code.toString(16).toUpperCase().padStart(4, "0")}`, abbr, name, kind }];
  }),
);

/** Every character handled here; exported for tests and the hostile-content fixtures. */
export const INVISIBLE_CHARS: readonly InvisibleChar[] = [...BY_CHAR.values()];

const PATTERN = new RegExp(`[${[...BY_CHAR.keys()].join("")}]`, "u");
const SPLIT = new RegExp(`([${[...BY_CHAR.keys()].join("")}])`, "u");

export function hasInvisibles(text: string): boolean {
  return PATTERN.test(text);
}

/** Plain runs of text and, between them, the invisible characters found (in order). */
export type TextPart = string | InvisibleChar;

export function splitInvisibles(text: string): TextPart[] {
  if (!hasInvisibles(text)) return text === "" ? [] : [text];
  const parts: TextPart[] = [];
  text.split(SPLIT).forEach((piece, i) => {
    if (i % 2 === 1) parts.push(BY_CHAR.get(piece)!);
    else if (piece !== "") parts.push(piece);
  });
  return parts;
}

/** The token shown for an invisible character, e.g. "⟨RLO⟩". */
export function tokenFor(c: InvisibleChar): string {
  return `⟨${c.abbr}⟩`;
}

/** Tooltip for a token: which code point it stands for. */
export function describe(c: InvisibleChar): string {
  return `${c.codePoint} ${c.name}: a hidden ${c.kind === "bidi" ? "text-direction control" : "zero-width character"} in the source text, shown instead of applied`;
}

/**
 * The text with each invisible character replaced by its token, for places that only take a
 * string (title and aria-label attributes, <option> labels).
 */
export function visibleText(text: string): string {
  if (!hasInvisibles(text)) return text;
  return splitInvisibles(text)
    .map((part) => (typeof part === "string" ? part : tokenFor(part)))
    .join("");
}

/** The text without any of these characters (an editor's "remove hidden characters"). */
export function stripInvisibles(text: string): string {
  if (!hasInvisibles(text)) return text;
  return splitInvisibles(text)
    .filter((part): part is string => typeof part === "string")
    .join("");
}
