// The comparison view's markup: the contract the real-window E2E tests find it by (data-testid,
// data-candidate, the diff marks' classes), and untrusted candidate text kept as text.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ComparisonBody } from "../bindings/ComparisonBody";
import type { Sensitive } from "../bindings/Sensitive";
import { CandidatePrompt } from "./CandidatePrompt";
import { ComparisonView } from "./ComparisonView";

const body: ComparisonBody = {
  question: "Who directed Old School?",
  candidates: [
    { model: "qwen", answer: "Todd Phillips directed it." },
    { model: "llama", answer: "Steven Spielberg directed it." },
    { model: "mistral", answer: "Todd Phillips directed it, mail ana@example.com." },
  ],
  evidence: [{ id: "doc-1", title: "Old School", text: "Directed by Todd Phillips.", source: "s" }],
};
const view = (extra: Partial<Parameters<typeof ComparisonView>[0]> = {}) =>
  renderToStaticMarkup(
    <ComparisonView body={body} latestEdit={null} vetting={null} sensitive={[]} editor={null} picked={null} canPick tieKey="=" onCommand={() => {}} {...extra} />,
  );
/** The markup of each candidate column, in order. */
const columns = (markup: string) => markup.split('data-testid="candidate"').slice(1);

describe("ComparisonView", () => {
  it("shows the question, one column per candidate headed with its number and model, and the evidence", () => {
    const markup = view();
    expect(markup, "the view").toContain('data-testid="comparison" data-candidates="3"');
    expect(markup, "the question").toContain("Who directed Old School?");
    expect(columns(markup).map((c) => /data-candidate="(\d)"/.exec(c)?.[1]), "numbered from 1, in order").toEqual(["1", "2", "3"]);
    expect(columns(markup)[1], "headed “2 · llama”").toMatch(/<span class="candidate-number">2<\/span> ·.*llama/);
    expect(markup, "the rule of the marks").toContain('data-testid="comparison-rule">Differences from candidate 1');
    expect(markup, "the evidence, as an answer shows it").toContain('data-testid="evidence" data-passage-id="doc-1"');
  });

  it("marks candidate 1's words not in 2 as removed, and later candidates' words not in 1 as added", () => {
    const [first, second, third] = columns(view());
    expect(first, "1 against 2").toContain('<del class="diff-deleted" data-mark="removed">Todd Phillips </del>');
    expect(first, "column 1 adds nothing").not.toContain("<ins");
    expect(second, "2 against 1").toContain('<ins class="diff-inserted" data-mark="added">Steven Spielberg </ins>');
    expect(third, "3 against 1: only its tail differs").toContain('<ins class="diff-inserted" data-mark="added">it, mail ana@example.com.</ins>');
    expect(third, "3 removes nothing").not.toContain("<del");
  });

  it("marks a candidate's privacy findings in that candidate only", () => {
    const found: Sensitive = { place: "candidate", candidate: 2, kind: "email", text: "ana@example.com", placeholder: "[EMAIL]" };
    const markup = view({ sensitive: [found] });
    expect(columns(markup)[2], "in candidate 3").toContain('data-testid="privacy-mark" data-kind="email"');
    expect(markup, "counted above the question").toContain('data-testid="privacy-findings" data-count="1"');
  });

  it("shows the latest edit with its diff against the candidate it started from", () => {
    const markup = view({ latestEdit: { answer: "Todd Phillips directed Old School.", based_on: 0 } });
    expect(markup, "the edit names its candidate").toContain('data-testid="comparison-edit" data-based-on="1"');
    expect(markup, "and is diffed against it").toContain('data-testid="saved-diff"');
  });

  it("while editing, opens the editor on the chosen candidate and marks its column", () => {
    const editor = { text: "Steven Spielberg directed it.", notice: null, onChange: () => {}, onSave: () => {}, onCancel: () => {}, basedOn: 1 };
    const markup = view({ editor });
    expect(columns(markup).map((c) => /data-editing="(\w+)"/.exec(c)?.[1]), "candidate 2 is being edited").toEqual(["false", "true", "false"]);
    expect(markup, "the editor").toContain('data-testid="answer-editor"');
    expect(markup, "diffed live against the candidate").toContain("Live diff against candidate 2");
  });

  it("marks the picked candidate's column, and nothing while none is picked", () => {
    const picked = (markup: string) => columns(markup).map((c) => /data-picked="(\w+)"/.exec(c)?.[1]);
    expect(picked(view()), "pending").toEqual(["false", "false", "false"]);
    const markup = view({ picked: { best: 1 } });
    expect(picked(markup), "candidate 2 is picked").toEqual(["false", "true", "false"]);
    expect(markup, "its column").toContain('class="candidate candidate-picked" data-testid="candidate" data-candidate="2"');
    expect(columns(markup)[1], "its header").toContain('<span class="picked-label">Picked</span>');
    expect(markup, "no tie").not.toContain('data-testid="comparison-tie"');
  });

  it("says a tie beside the Candidates heading, and marks no column", () => {
    const markup = view({ picked: "tie" });
    expect(markup, "the tie").toContain('data-testid="comparison-tie">Judged a tie');
    expect(markup, "no column").not.toContain('data-picked="true"');
  });

  it("offers a Best button per candidate and a Tie button, disabled when deciding is not", () => {
    const markup = view();
    expect([...markup.matchAll(/data-testid="pick-candidate" data-candidate="(\d)" title="([^"]*)"/g)].map((m) => [m[1], m[2]]), "one per candidate").toEqual([
      ["1", "Pick candidate 1 as the best (1)"],
      ["2", "Pick candidate 2 as the best (2)"],
      ["3", "Pick candidate 3 as the best (3)"],
    ]);
    expect(markup, "the tie button, with its key").toMatch(/data-testid="pick-tie">Tie \(=\)<\/button>/);
    expect(markup, "enabled").not.toContain("disabled");
    const disabled = view({ canPick: false });
    expect(disabled.match(/<button[^>]*disabled=""/g)?.length, "all four disabled").toBe(4);
  });

  it("keeps a candidate's HTML as text", () => {
    const hostile = { ...body, candidates: [{ model: "<b>m</b>", answer: "<img src=x onerror=alert(1)>" }, body.candidates[1]!] };
    const markup = view({ body: hostile });
    expect(markup, "no element from the candidate").not.toMatch(/<img|<b>/);
    expect(markup, "shown escaped").toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});

describe("CandidatePrompt", () => {
  it("lists the candidates to edit by number, noting the one the latest edit continues", () => {
    const markup = renderToStaticMarkup(<CandidatePrompt candidates={body.candidates} editBase={1} onChoose={() => {}} onCancel={() => {}} />);
    expect(markup, "the prompt").toContain('data-testid="candidate-prompt"');
    expect(markup, "its question").toContain("Edit which candidate? 1–3");
    expect([...markup.matchAll(/data-testid="candidate-choice" data-candidate="(\d)"/g)].map((m) => m[1]), "a choice per candidate").toEqual(["1", "2", "3"]);
    expect(markup.split('data-testid="candidate-choice"')[2], "candidate 2 continues the edit").toContain("continues the latest edit");
  });
});
