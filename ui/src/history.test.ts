import { describe, expect, it } from "vitest";
import type { Decision } from "./bindings/Decision";
import { cancelledIds, decisionInForce } from "./history";

const event = (id: string, reverts: string | null = null): Decision => ({
  id,
  item: "a",
  item_version: 1,
  reviewer: "ana",
  action: reverts === null ? "approve" : "revert",
  edited: null,
  reason: null,
  note: null,
  decided_at: "2026-01-01T00:00:00Z",
  reverts,
  edit_distance: null,
  pick: null,
});

describe("cancelledIds", () => {
  it("an undo cancels its decision", () => {
    expect(cancelledIds([event("d"), event("u", "d")]), "d is undone").toEqual(new Set(["d"]));
  });

  it("a redo cancels the undo and revives the decision", () => {
    expect(cancelledIds([event("d"), event("u", "d"), event("r", "u")]), "only the undo is cancelled").toEqual(new Set(["u"]));
  });

  it("a second undo after a redo cancels the decision again", () => {
    const log = [event("d"), event("u1", "d"), event("r", "u1"), event("u2", "d")];
    expect(cancelledIds(log), "d and the first undo are cancelled").toEqual(new Set(["u1", "d"]));
  });
});

describe("decisionInForce", () => {
  it("is the latest decision no revert cancels", () => {
    expect(decisionInForce([event("a"), event("b")])?.id, "the later decision").toBe("b");
    expect(decisionInForce([event("a"), event("b"), event("u", "b")])?.id, "b undone: a again").toBe("a");
    expect(decisionInForce([event("a"), event("b"), event("u", "b"), event("r", "u")])?.id, "b redone").toBe("b");
  });

  it("is none before any decision, or once all are undone", () => {
    expect(decisionInForce([]), "no history").toBeNull();
    expect(decisionInForce([event("d"), event("u", "d")]), "d undone").toBeNull();
  });
});
