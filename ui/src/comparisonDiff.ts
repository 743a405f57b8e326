// The word diff between a comparison's candidates, as marks on each candidate's own text. Every
// candidate after the first is compared with candidate 1 (its words not in 1 are "added"), and
// candidate 1 with candidate 2 (its words not in 2 are "removed"): with two candidates, the
// classic side-by-side diff. The diff itself is diff.ts's; this only pairs the candidates and
// cuts the marked runs where the privacy screen's findings start and end.
import type { Sensitive } from "./bindings/Sensitive";
import { wordDiff } from "./diff";
import { segments } from "./redaction";

export type CandidateMark = "same" | "added" | "removed";

export interface MarkedRun {
  mark: CandidateMark;
  text: string;
}

/** A marked run, or part of one, and the finding it is (part of) an occurrence of, if any. */
export interface MarkedPiece extends MarkedRun {
  finding: Sensitive | null;
}

/** The candidate (from 0) that candidate `index` is compared with: candidate 1 is compared with 2, the others with 1. */
export const comparedWith = (index: number): number => (index === 0 ? 1 : 0);

/** Each candidate's text, whole and in order, in runs marked against the candidate it is compared with. */
export function candidateRuns(answers: readonly string[]): MarkedRun[][] {
  return answers.map((answer, index) => {
    const other = answers[comparedWith(index)];
    if (other === undefined) return [{ mark: "same", text: answer }];
    const own: CandidateMark = index === 0 ? "removed" : "added";
    // Diffed with this candidate as the new text: its kept and inserted parts are exactly its text.
    return wordDiff(other, answer)
      .filter((part) => part.kind !== "deleted")
      .map((part) => ({ mark: part.kind === "kept" ? "same" : own, text: part.text }));
  });
}

/** The rule the marks follow, said once above the candidates. */
export function diffRule(count: number): string {
  return count <= 2
    ? "Words of 1 not in 2 are struck in 1; words of 2 not in 1 are marked in 2."
    : `Differences from candidate 1: words of 2–${count} not in 1 are marked; in 1, words not in 2 are struck.`;
}

/**
 * `runs` cut further where the findings' occurrences start and end, so a finding is marked whole
 * even where it spans runs of different marks. Joined, the pieces are the runs' text.
 */
export function withFindings(runs: readonly MarkedRun[], findings: readonly Sensitive[]): MarkedPiece[] {
  const cuts = segments(runs.map((run) => run.text).join(""), findings);
  const pieces: MarkedPiece[] = [];
  let cut = 0;
  // Characters of cuts[cut] already given to pieces.
  let used = 0;
  for (const run of runs) {
    let rest = run.text;
    while (rest !== "") {
      const current = cuts[cut]!;
      const take = Math.min(rest.length, current.text.length - used);
      pieces.push({ mark: run.mark, text: rest.slice(0, take), finding: current.finding });
      rest = rest.slice(take);
      used += take;
      if (used === current.text.length) {
        cut += 1;
        used = 0;
      }
    }
  }
  return pieces;
}
