import { describe, expect, it } from "vitest";
import type { Guideline } from "./bindings/Guideline";
import { promotedDecisions, upsertGuideline, withoutGuideline } from "./guidelines";

const entry = (id: number, source_decision: string | null = null, body = `rule ${id}`): Guideline => ({
  id,
  domain: "finance",
  body,
  source_item: source_decision === null ? null : "q-1",
  source_decision,
  created_by: "sara",
  created_at: "2026-11-26T10:00:00Z",
  updated_by: "sara",
  updated_at: "2026-11-26T10:00:00Z",
});

describe("guidelines", () => {
  it("an upsert adds in id order and replaces an edited entry in place", () => {
    const list = upsertGuideline(upsertGuideline([], entry(3)), entry(1));
    expect(list.map((g) => g.id)).toEqual([1, 3]);
    const edited = upsertGuideline(list, entry(3, null, "rule three, corrected"));
    expect(edited.map((g) => [g.id, g.body])).toEqual([
      [1, "rule 1"],
      [3, "rule three, corrected"],
    ]);
  });

  it("a promoted note is marked on its decision; removing the guideline clears the mark", () => {
    const list = [entry(1), entry(2, "d-7")];
    expect([...promotedDecisions(list)]).toEqual([["d-7", 2]]);
    expect(promotedDecisions(withoutGuideline(list, 2)).size).toBe(0);
  });
});
