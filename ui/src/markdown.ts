// A tiny, safe markdown subset for LLM answers and evidence: paragraphs, lists, fenced code,
// `code`, *emphasis*, **strong**, links and citations ([1], [doc-3]). It parses to a plain tree
// that components render as React elements — never an HTML string. Raw HTML stays literal text;
// images become a text note and are never fetched; links never become anchors (the webview must
// not navigate), their URL is shown as text and marked when it is not https.

export type Inline =
  | { type: "text"; text: string }
  | { type: "strong"; children: Inline[] }
  | { type: "em"; children: Inline[] }
  | { type: "code"; text: string }
  | { type: "link"; text: string; url: string; https: boolean }
  | { type: "image"; alt: string }
  | { type: "citation"; ref: string };

export type Block =
  | { type: "paragraph"; inlines: Inline[] }
  | { type: "list"; ordered: boolean; items: Inline[][] }
  | { type: "code"; text: string };

const LIST_ITEM = /^\s*(?:[-*+]|(\d+)[.)])\s+(.*)$/;
const FENCE = /^\s*```/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === "") {
      i++;
    } else if (FENCE.test(line)) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !FENCE.test(lines[i]!)) body.push(lines[i++]!);
      i++; // the closing fence, if any
      blocks.push({ type: "code", text: body.join("\n") });
    } else if (LIST_ITEM.test(line)) {
      const ordered = LIST_ITEM.exec(line)![1] !== undefined;
      const items: Inline[][] = [];
      while (i < lines.length && LIST_ITEM.test(lines[i]!)) items.push(parseInline(LIST_ITEM.exec(lines[i++]!)![2]!));
      blocks.push({ type: "list", ordered, items });
    } else {
      const body: string[] = [];
      while (i < lines.length && lines[i]!.trim() !== "" && !FENCE.test(lines[i]!) && !LIST_ITEM.test(lines[i]!)) body.push(lines[i++]!);
      blocks.push({ type: "paragraph", inlines: parseInline(body.join("\n")) });
    }
  }
  return blocks;
}

// One alternative per inline form; the first match from the left wins.
const INLINE =
  /`([^`\n]+)`|\*\*(.+?)\*\*|(?<![\w*])\*(?![\s*])(.+?)(?<!\s)\*(?![\w*])|(?<!\w)_(?![\s_])(.+?)(?<!\s)_(?!\w)|!\[([^\]\n]*)\]\(([^)\s]*)\)|\[([^\]\n]+)\]\(([^)\s]+)\)|\[([A-Za-z0-9][\w.-]{0,40})\]/g;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const start = match.index;
    if (start > last) out.push({ type: "text", text: text.slice(last, start) });
    out.push(inlineFrom(match));
    last = start + match[0].length;
  }
  if (last < text.length) out.push({ type: "text", text: text.slice(last) });
  return out;
}

function inlineFrom(m: RegExpMatchArray): Inline {
  if (m[1] !== undefined) return { type: "code", text: m[1] };
  if (m[2] !== undefined) return { type: "strong", children: parseInline(m[2]) };
  if (m[3] !== undefined) return { type: "em", children: parseInline(m[3]) };
  if (m[4] !== undefined) return { type: "em", children: parseInline(m[4]) };
  if (m[5] !== undefined) return { type: "image", alt: m[5] };
  if (m[7] !== undefined && m[8] !== undefined) return { type: "link", text: m[7], url: m[8], https: m[8].startsWith("https://") };
  return { type: "citation", ref: m[9]! };
}

/** The plain text of inlines, as a reader sees it (for grounding and copying). */
export function plainText(inlines: Inline[]): string {
  return inlines
    .map((inline) => {
      switch (inline.type) {
        case "text":
        case "code":
          return inline.text;
        case "strong":
        case "em":
          return plainText(inline.children);
        case "link":
          return inline.text;
        case "image":
          return inline.alt;
        case "citation":
          return `[${inline.ref}]`;
      }
    })
    .join("");
}
