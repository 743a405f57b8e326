import { describe, expect, it } from "vitest";
import type { Decision } from "./bindings/Decision";
import type { Pick as CandidatePick } from "./bindings/Pick";
import { approveRefusal, candidateCount, pickInForce, pickOf, pickText } from "./comparisonPicks";
import { testComparison, testItem } from "./reviewFixtures";

const comparison = testComparison("cmp-1", ["Todd Phillips.", "Steven Spielberg.", "Todd Phillips directed it."]);

describe("picking a comparison's best candidate", () => {
  it("turns the key's candidate (from 1) into the pick the core stores (from 0)", () => {
    expect(pickOf(comparison, 1), "key 1").toEqual({ pick: { best: 0 } });
    expect(pickOf(comparison, 3), "key 3").toEqual({ pick: { best: 2 } });
    expect(pickOf(comparison, "tie"), "=").toEqual({ pick: "tie" });
  });

  it("records nothing for a candidate the comparison does not have, and says which it has", () => {
    expect(pickOf(comparison, 4), "three candidates").toEqual({ notice: "There is no candidate 4. Pick the best candidate with 1–3, or = for a tie." });
    expect(pickOf(comparison, 0), "there is no candidate 0 on screen").toHaveProperty("notice");
  });

  it("records nothing on an answer, which has no candidates", () => {
    expect(pickOf(testItem("qa-1"), "tie"), "= on an answer").toHaveProperty("notice");
    expect(candidateCount(testItem("qa-1")), "an answer").toBe(0);
    expect(candidateCount(comparison), "the comparison").toBe(3);
    expect(candidateCount(null), "nothing shown").toBe(0);
  });
});

describe("the plain approve key", () => {
  it("records nothing on a comparison and says how to pick", () => {
    expect(approveRefusal(comparison), "the core needs a pick with a comparison's approve").toBe("Pick the best candidate with 1–3, or = for a tie");
  });

  it("approves anything else", () => {
    expect(approveRefusal(testItem("qa-1")), "an answer").toBeNull();
  });
});

describe("a recorded pick in words", () => {
  it("numbers the candidate as shown, from 1", () => {
    expect(pickText({ best: 1 }), "the stored pick counts from 0").toBe("picked candidate 2");
    expect(pickText("tie")).toBe("a tie");
  });
});

describe("the pick in force", () => {
  const decision = (id: string, pick: CandidatePick | null, reverts: string | null = null): Decision => ({
    id,
    item: "cmp-1",
    item_version: 1,
    reviewer: "ana",
    action: reverts !== null ? "revert" : pick !== null ? "approve" : "reject",
    edited: null,
    reason: null,
    note: null,
    decided_at: "2026-01-01T00:00:00Z",
    reverts,
    edit_distance: null,
    pick,
  });

  it("is the pick of the latest approve not undone", () => {
    expect(pickInForce("approved", [decision("a", { best: 0 }), decision("b", { best: 2 })]), "the later pick").toEqual({ best: 2 });
    expect(pickInForce("approved", [decision("a", { best: 0 }), decision("b", "tie"), decision("u", null, "b")]), "the tie undone").toEqual({ best: 0 });
    expect(pickInForce("approved", [decision("a", "tie")]), "a tie").toBe("tie");
  });

  it("is none while the item is pending or decided otherwise", () => {
    expect(pickInForce("pending", [decision("a", { best: 0 })]), "a review awaiting its agreeing ones").toBeNull();
    expect(pickInForce("pending", [decision("a", { best: 0 }), decision("u", null, "a")]), "undone").toBeNull();
    expect(pickInForce("rejected", [decision("a", { best: 0 }), decision("b", null)]), "rejected after the pick").toBeNull();
    expect(pickInForce("pending", []), "never decided").toBeNull();
  });
});
