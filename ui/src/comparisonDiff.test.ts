import { describe, expect, it } from "vitest";
import type { Sensitive } from "./bindings/Sensitive";
import { candidateRuns, comparedWith, diffRule, withFindings, type CandidateMark, type MarkedRun } from "./comparisonDiff";

/** The words of `runs` marked `mark`, in order. */
const marked = (runs: readonly MarkedRun[], mark: CandidateMark) => runs.filter((run) => run.mark === mark).flatMap((run) => run.text.trim().split(/\s+/));

describe("candidateRuns", () => {
  it("with two candidates, is the side-by-side diff: 1's own words removed, 2's own words added", () => {
    const [first, second] = candidateRuns(["Old School was directed by Todd Phillips.", "Old School, a comedy, was directed by Steven Spielberg."]);
    expect(marked(first!, "removed"), "words of 1 not in 2, marked in 1").toEqual(["School", "Todd", "Phillips."]);
    expect(marked(first!, "added"), "column 1 never marks additions").toEqual([]);
    expect(marked(second!, "added"), "words of 2 not in 1, marked in 2").toEqual(["School,", "a", "comedy,", "Steven", "Spielberg."]);
    expect(marked(second!, "removed"), "column 2 never marks removals").toEqual([]);
  });

  it("with three or four, compares every later candidate with candidate 1, and 1 with 2", () => {
    const answers = ["It is Old School.", "It is Old School, a comedy.", "It is Training Day.", "It is Old School."];
    expect(answers.map((_, i) => comparedWith(i)), "who each one is compared with (from 0)").toEqual([1, 0, 0, 0]);
    const runs = candidateRuns(answers);
    expect(marked(runs[0]!, "removed"), "1 against 2").toEqual(["School."]);
    expect(marked(runs[1]!, "added"), "2 against 1").toEqual(["School,", "a", "comedy."]);
    expect(marked(runs[2]!, "added"), "3 against 1, not against 2").toEqual(["Training", "Day."]);
    expect(marked(runs[3]!, "added"), "a copy of 1 marks nothing").toEqual([]);
  });

  it("keeps each candidate's own text, whitespace and line breaks included", () => {
    const answers = ["Line one\nline  two ", "  Line one line two", "Other\n\ntext"];
    expect(candidateRuns(answers).map((runs) => runs.map((run) => run.text).join("")), "every column shows its candidate as written").toEqual(answers);
  });

  it("marks nothing against itself when there is no other candidate", () => {
    expect(candidateRuns(["alone"]), "a lone candidate (the core never sends one)").toEqual([[{ mark: "same", text: "alone" }]]);
  });
});

describe("diffRule", () => {
  it("says who is compared with whom", () => {
    expect(diffRule(2), "two: each with the other").toContain("not in 2");
    expect(diffRule(4), "more: with candidate 1").toMatch(/^Differences from candidate 1: words of 2–4 not in 1/);
  });
});

describe("withFindings", () => {
  const phone: Sensitive = { place: "candidate", candidate: 1, kind: "phone", text: "+1 555 0100", placeholder: "[PHONE]" };

  it("marks a finding whole even across runs of different marks, and keeps the text", () => {
    const runs = candidateRuns(["Call +1 555 0199 today.", "Call +1 555 0100 today."])[1]!;
    const pieces = withFindings(runs, [phone]);
    expect(pieces.map((p) => p.text).join(""), "the candidate's text, unchanged").toBe("Call +1 555 0100 today.");
    expect(
      pieces.filter((p) => p.finding !== null).map((p) => [p.text, p.mark]),
      "the number is marked in both its shared and its differing words",
    ).toEqual([
      ["+1 555 ", "same"],
      ["0100", "added"],
    ]);
    expect(pieces.find((p) => p.text.includes("today"))?.finding, "the rest is plain").toBeNull();
  });

  it("leaves runs as they are without findings", () => {
    const runs: MarkedRun[] = [
      { mark: "same", text: "a " },
      { mark: "added", text: "b" },
    ];
    expect(withFindings(runs, []), "one piece per run").toEqual(runs.map((run) => ({ ...run, finding: null })));
    expect(withFindings([], [phone]), "an empty candidate").toEqual([]);
  });
});
