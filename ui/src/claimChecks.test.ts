import { describe, expect, it } from "vitest";
import type { Claim } from "./bindings/Claim";
import {
  charSlice,
  checksOf,
  claimFocusMoved,
  claimsOf,
  clauseBreak,
  doubtfulCount,
  linkToggled,
  merged,
  NO_CLAIMS,
  spanOfSelection,
  splitAt,
  verdictGiven,
} from "./claimChecks";

// Offsets count code points: "Zürich 🏔" has 8 characters and 9 UTF-16 units.
const ANSWER = "Zürich 🏔 lies on a lake. It has 420,000 people, and it is the capital.";
const hint = { passage: "wiki", start: 0, end: 27, text: "Zürich lies on Lake Zürich." };
const offered: Claim[] = [
  { text: "Zürich 🏔 lies on a lake.", start: 0, end: 24, support: [{ passage: "wiki", shared: ["zürich", "lies"], overlap: 0.5 }], hint },
  { text: "It has 420,000 people, and it is the capital.", start: 25, end: 70, support: [], hint: null },
];
const fresh = () => claimsOf(NO_CLAIMS, "z-1", offered);

describe("claimsOf", () => {
  it("starts from the core's claims and keeps what was settled on the same item", () => {
    const state = fresh();
    expect(state.rows.map((r) => r.verdict), "nothing checked yet").toEqual([null, null]);
    const checked = verdictGiven(state, "unsupported");
    expect(claimsOf(checked, "z-1", offered), "same item: kept").toBe(checked);
    expect(claimsOf(checked, "z-2", offered).rows[0]?.verdict, "another item starts over").toBeNull();
  });

  it("counts offsets in code points, as the core does", () => {
    expect(charSlice(ANSWER, offered[1]!.start, offered[1]!.end), "the second claim").toBe(offered[1]!.text);
  });
});

describe("verdictGiven", () => {
  it("sets the focused claim's verdict, links the hint of a supported claim and moves on", () => {
    const state = verdictGiven(fresh(), "supported");
    expect(state.rows[0]?.verdict).toBe("supported");
    expect(state.rows[0]?.spans, "the pre-selected hint is linked").toEqual([hint]);
    expect(state.focused, "on to the next claim").toBe(1);
    const last = verdictGiven(state, "contradicted");
    expect(last.focused, "the last claim keeps the focus").toBe(1);
    expect(last.rows[1]?.spans, "no hint, nothing linked").toEqual([]);
    expect(doubtfulCount(last), "one contradicted claim").toBe(1);
  });

  it("links no hint to an unsupported claim, and takes an auto-linked hint back", () => {
    expect(verdictGiven(fresh(), "unsupported").rows[0]?.spans, "nothing linked").toEqual([]);
    const changed = verdictGiven(claimFocusMoved(verdictGiven(fresh(), "supported"), -1), "not-checkable");
    expect(changed.rows[0]?.spans, "the hint a verdict linked goes with another verdict").toEqual([]);
    const span = { passage: "gov", start: 3, end: 9, text: "capital" };
    const linked = verdictGiven(linkToggled(fresh(), span), "supported");
    const kept = verdictGiven(claimFocusMoved(linked, -1), "unsupported");
    expect(kept.rows[0]?.spans, "a link the reviewer made stays").toEqual([span]);
  });
});

describe("linkToggled", () => {
  it("links a span once and unlinks it on the second press", () => {
    const span = { passage: "gov", start: 3, end: 9, text: "capital" };
    const linked = linkToggled(fresh(), span);
    expect(linked.rows[0]?.spans, "linked").toEqual([span]);
    expect(linkToggled(linked, span).rows[0]?.spans, "unlinked").toEqual([]);
  });
});

describe("merged and splitAt", () => {
  it("merges the focused claim with the next into one piece of the answer", () => {
    const state = merged(claimFocusMoved(verdictGiven(fresh(), "supported"), -1), ANSWER);
    expect(state.rows).toHaveLength(1);
    expect(state.rows[0]?.text, "from the first's start to the second's end").toBe(ANSWER);
    expect(state.rows[0]?.verdict, "the merged claim is checked afresh").toBeNull();
    expect(merged(state, ANSWER), "the last claim has nothing to merge with").toBe(state);
  });

  it("splits a claim at its middle clause break, without the space between", () => {
    const second = claimFocusMoved(fresh(), 1);
    const text = offered[1]!.text;
    const at = clauseBreak(text);
    expect(at, "after the comma before 'and'").toBe(Array.from("It has 420,000 people, ").length);
    const split = splitAt(second, ANSWER, at!);
    expect(split?.rows.map((r) => r.text)).toEqual(["Zürich 🏔 lies on a lake.", "It has 420,000 people,", "and it is the capital."]);
    for (const row of split!.rows) expect(charSlice(ANSWER, row.start, row.end), "offsets stay true").toBe(row.text);
    expect(splitAt(second, ANSWER, 0), "an empty part is no split").toBeNull();
    expect(clauseBreak("Short."), "no clause to break at").toBeNull();
  });
});

describe("spanOfSelection", () => {
  it("finds the selected text in the passage, in code points", () => {
    const passage = "🏔 Zürich lies on Lake Zürich.";
    expect(spanOfSelection("wiki", passage, " Lake Zürich. ")).toEqual({ passage: "wiki", start: 17, end: 29, text: "Lake Zürich." });
    expect(spanOfSelection("wiki", passage, "**Lake**"), "text across formatting is not found").toBeNull();
    expect(spanOfSelection("wiki", passage, "  "), "an empty selection").toBeNull();
  });
});

describe("checksOf", () => {
  it("sends only the claims that have a verdict, in order", () => {
    const state = verdictGiven(claimFocusMoved(fresh(), 1), "not-checkable");
    expect(checksOf(state)).toEqual([{ claim: offered[1]!.text, verdict: "not-checkable", spans: [] }]);
  });
});
