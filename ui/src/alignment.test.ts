import { describe, expect, it } from "vitest";
import { MOCK_ALIGNMENT_RUNS, mockSuggestion } from "../dev/mockAlignment";
import { describeSuggestion, kappaOverRuns, series } from "./alignment";
import type { AlignmentSummary } from "./bindings/AlignmentSummary";

const other: AlignmentSummary = { ...MOCK_ALIGNMENT_RUNS[1]!, alignment_id: 3, domain: "legal", started_at: "2026-12-06T08:00:00Z" };

describe("alignment runs on the dashboard", () => {
  it("groups runs by domain and model, latest first", () => {
    expect(series([other, ...MOCK_ALIGNMENT_RUNS])).toEqual([
      { domain: "legal", model: "qwen2.5-7b-instruct" },
      { domain: "finance", model: "qwen2.5-7b-instruct" },
    ]);
  });

  it("charts κ per variant, oldest run first, with gaps for variants a run did not try", () => {
    const points = kappaOverRuns([other, ...MOCK_ALIGNMENT_RUNS], "finance", "qwen2.5-7b-instruct");
    expect(points.map((p) => p.label)).toEqual(["#1 · 1 Dec", "#2 · 5 Dec"]);
    expect(points[0]!.kappa).toEqual({ base: 0.38, guidelines: null, examples: null, both: 0.52 });
    expect(points[1]!.kappa.examples).toBe(0.55);
    expect(points[1]!.title, "the tooltip names the run").toContain("Run 2 on 2026-12-05 10:12");
  });

  it("says what a threshold clears and how sure it is, or why there is none", () => {
    const some = describeSuggestion(mockSuggestion(MOCK_ALIGNMENT_RUNS, 2, "both", 0.9));
    expect(some.headline).toBe("Vetting score ≥ 0.900 would clear 64 of 120 pending items");
    expect(some.detail).toContain("27 of 30 held-out passes");
    expect(some.detail, "the lower bound is shown").toContain("at least 82% with 95% confidence");
    expect(some.detail).toContain("nothing is approved");
    const none = describeSuggestion(mockSuggestion(MOCK_ALIGNMENT_RUNS, 2, "both", 0.99));
    expect(none.headline).toBe("No threshold reaches 99% precision with 95% confidence");
    expect(none.detail).toContain("no score admits 20 or more");
  });
});
