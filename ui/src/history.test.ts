import { describe, expect, it } from "vitest";
import type { Decision } from "./bindings/Decision";
import { cancelledIds } from "./history";

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
