// Hostile text rendered by the real components: no bidi control or zero-width character may
// reach the markup, and each must appear as a visible token naming its code point.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { QueueEntry } from "../bindings/QueueEntry";
import { INVISIBLE_CHARS } from "../invisibles";
import { AnswerEditor } from "./AnswerEditor";
import { AssessmentPanel } from "./AssessmentPanel";
import { CellValue } from "./CellValue";
import { ClaimsPanel } from "./ClaimsPanel";
import { ComparisonView } from "./ComparisonView";
import { DiffView } from "./DiffView";
import { EvidencePassage } from "./EvidencePassage";
import { Markdown } from "./Markdown";
import { ProductCard } from "./ProductCard";
import { QueueRow } from "./QueueRow";
import { RelationSummary } from "./RelationSummary";
import { SafeText } from "./SafeText";

const RLO = "\u202E";
const ZWSP = "\u200B";
const HOSTILE = `pay ${RLO}txt.exe${ZWSP} now`;

/** Checks what a reader sees: text and title/aria attributes (data-* ids stay verbatim for lookups). */
function expectDefused(markup: string, what: string) {
  const html = markup.replace(/ data-[a-z-]+="[^"]*"/g, (attr) => (attr.startsWith(" data-code-point") ? attr : ""));
  for (const c of INVISIBLE_CHARS) expect(html.includes(c.char), `${what}: raw ${c.codePoint} in the markup`).toBe(false);
  expect(html, `${what}: RLO token`).toContain('data-code-point="U+202E"');
  expect(html, `${what}: ZWSP token`).toContain('data-code-point="U+200B"');
  expect(html, `${what}: token text`).toContain("⟨RLO⟩");
}

describe("SafeText", () => {
  it("renders ordinary text untouched, with no wrapper", () => {
    expect(renderToStaticMarkup(<SafeText text="plain & simple" />)).toBe("plain &amp; simple");
  });

  it("renders each control as a bordered token with a tooltip naming the code point", () => {
    const html = renderToStaticMarkup(<SafeText text={HOSTILE} />);
    expectDefused(html, "SafeText");
    expect(html, "tooltip").toMatch(/title="U\+202E RIGHT-TO-LEFT OVERRIDE[^"]*"/);
    expect(html, "class for the border").toContain('class="invisible-char invisible-bidi"');
  });
});

describe("components showing untrusted text", () => {
  it("Markdown: paragraphs, emphasis, code, links, images and highlighted words", () => {
    const text = `${HOSTILE} *${HOSTILE}* \`${HOSTILE}\` [${HOSTILE}](https://x.test/${RLO}) ![${HOSTILE}](x)\n\n\`\`\`\n${HOSTILE}\n\`\`\``;
    expectDefused(renderToStaticMarkup(<Markdown text={text} />), "markdown");
    expectDefused(renderToStaticMarkup(<Markdown text={text} highlight={new Set(["pay"])} />), "markdown with grounding highlight");
  });

  it("ComparisonView: question, models, marked and unmarked candidate words", () => {
    const candidates = [
      { model: HOSTILE, answer: `keep ${RLO}gone` },
      { model: "m2", answer: `keep ${HOSTILE}` },
    ];
    const markup = renderToStaticMarkup(
      <ComparisonView
        body={{ question: HOSTILE, candidates, evidence: [] }}
        latestEdit={null}
        vetting={null}
        sensitive={[]}
        editor={null}
        picked={{ best: 0 }}
        canPick
        tieKey={null}
        onCommand={() => {}}
      />,
    );
    expectDefused(markup, "comparison");
  });

  it("CellValue: strings and objects", () => {
    expectDefused(renderToStaticMarkup(<CellValue value={HOSTILE} />), "cell");
    expectDefused(renderToStaticMarkup(<CellValue value={{ note: HOSTILE }} />), "object cell");
  });

  it("QueueRow: title text and its tooltip", () => {
    const entry: QueueEntry = { id: 1, external_id: "q-1", kind: "answer", domain: "d", model: "m", title: HOSTILE, status: "pending", verdict: null };
    const html = renderToStaticMarkup(<QueueRow entry={entry} top={0} height={56} selected={false} onSelect={() => {}} />);
    expectDefused(html, "queue row");
    expect(html, "tooltip shows tokens too").toContain('title="pay ⟨RLO⟩txt.exe⟨ZWSP⟩ now"');
  });

  it("DiffView: kept, inserted and deleted words", () => {
    expectDefused(renderToStaticMarkup(<DiffView before={`keep ${RLO}gone`} after={`keep ${HOSTILE}`} />), "diff");
  });

  it("EvidencePassage: id, title, text, source and a linked span", () => {
    const linked = [{ passage: `e${RLO}1`, start: 0, end: 5, text: HOSTILE }];
    const html = renderToStaticMarkup(
      <EvidencePassage passage={{ id: `e${RLO}1`, title: HOSTILE, text: HOSTILE, source: HOSTILE }} cited={false} highlight={new Set()} sensitive={[]} linked={linked} />,
    );
    expectDefused(html, "evidence");
    expect(html, "the linked span is quoted").toContain('data-testid="claim-linked"');
  });

  it("ClaimsPanel: claim text, shared words and linked spans", () => {
    const span = { passage: HOSTILE, start: 0, end: 5, text: HOSTILE };
    const row = { text: HOSTILE, start: 0, end: 5, support: [{ passage: HOSTILE, shared: [HOSTILE], overlap: 1 }], hint: span, verdict: "supported" as const, spans: [span], hintLinked: false };
    const html = renderToStaticMarkup(
      <ClaimsPanel claims={{ itemId: "a", rows: [row], focused: 0, active: true }} onChange={() => {}} claimsKey="C" confirmApprove onConfirmApprove={() => {}} onHighlight={() => {}} />,
    );
    expectDefused(html, "claims");
    expect(html, "the verdict is shown as chosen").toContain('data-verdict="supported"');
  });

  it("EvidencePassage: a privacy finding is marked and its text stays defused", () => {
    const found = { place: "evidence" as const, passage: "e1", kind: "email" as const, text: HOSTILE, placeholder: "[EMAIL]" };
    const html = renderToStaticMarkup(
      <EvidencePassage passage={{ id: "e1", title: "t", text: `mail ${HOSTILE} today`, source: "s" }} cited={false} highlight={new Set()} sensitive={[found]} linked={[]} />,
    );
    expectDefused(html, "marked finding");
    expect(html, "the finding is marked with its kind").toContain('data-kind="email"');
    expect(html, "the tooltip names the placeholder").toContain("redacted as [EMAIL]");
  });

  it("ProductCard and RelationSummary: product, field names and sample cells", () => {
    const side = { product: HOSTILE, fields: [{ name: `id${RLO}`, type: `INT${ZWSP}` }], sample_rows: [{ [`id${RLO}`]: HOSTILE }] };
    expectDefused(renderToStaticMarkup(<ProductCard role="source" side={side} highlighted={new Set()} sensitive={[]} />), "product card");
    const found = { place: "sample" as const, side: "source", row: 0, column: `id${RLO}`, kind: "email" as const, text: HOSTILE, placeholder: "[EMAIL]" };
    const marked = renderToStaticMarkup(<ProductCard role="source" side={side} highlighted={new Set()} sensitive={[found]} />);
    expectDefused(marked, "product card with a finding");
    expect(marked, "the sample cell's finding is marked").toContain('data-kind="email"');
    const relation = { type: "foreign_key", cardinality: "N:1" as const, mapping: [{ source_field: `a${RLO}`, target_field: `b${ZWSP}` }] };
    expectDefused(renderToStaticMarkup(<RelationSummary title="t" relation={relation} source={HOSTILE} target="T" rationale={HOSTILE} />), "relation summary");
  });

  it("AssessmentPanel: the relate model's rationale and name are text, never markup", () => {
    const markup = renderToStaticMarkup(<AssessmentPanel assessment={{ model: HOSTILE, confidence: 0.874, rationale: `${HOSTILE} <img src=x onerror=alert(1)>` }} />);
    expectDefused(markup, "assessment");
    expect(markup, "a model's HTML stays text").not.toContain("<img");
    expect(markup, "confidence as a whole percentage").toContain("likely 87%");
  });
});

describe("AnswerEditor", () => {
  const props = { notice: null, onChange: () => {}, onSave: () => {}, onCancel: () => {}, original: "a", findings: [] };
  it("warns when the text being edited hides characters the textarea cannot show", () => {
    expect(renderToStaticMarkup(<AnswerEditor {...props} text={HOSTILE} />)).toContain('data-testid="hidden-characters-warning"');
    expect(renderToStaticMarkup(<AnswerEditor {...props} text="plain" />)).not.toContain("hidden-characters-warning");
  });
  it("offers placeholders while the draft still holds a finding, and not once it is gone", () => {
    const findings = [{ place: "answer" as const, kind: "email" as const, text: "ana@example.com", placeholder: "[EMAIL]" }];
    expect(renderToStaticMarkup(<AnswerEditor {...props} findings={findings} text="write ana@example.com" />)).toContain('data-testid="draft-findings"');
    expect(renderToStaticMarkup(<AnswerEditor {...props} findings={findings} text="write [EMAIL]" />)).not.toContain("draft-findings");
  });
});
