// Items for the review flow's unit tests (reviewSession.test.ts, reviewSteps.test.ts, comparisonPicks.test.ts).
import type { Item } from "./bindings/Item";
import type { LoadedItem } from "./reviewSession";

/** A pending answer item `id` at version 3, with no history. */
export function testItem(id: string, status: Item["status"] = "pending"): Item {
  return {
    external_id: id,
    domain: "test",
    model: "m",
    status,
    version: 3,
    body: { kind: "answer", question: `Question of ${id}`, answer: "The answer", evidence: [] },
    vetting: null,
    assessment: null,
    metadata: {},
    latest_edit: null,
    tags: [],
    do_not_train: false,
    sensitive: [],
    claims: [],
    created_at: "2025-01-01T00:00:00Z",
    updated_at: "2025-01-01T00:00:00Z",
  };
}

/** A pending comparison `id` of `answers`, written by models m1, m2…, at version 3. */
export function testComparison(id: string, answers: readonly string[]): Item {
  return {
    ...testItem(id),
    model: answers.map((_, i) => `m${i + 1}`).join(" vs "),
    body: { kind: "comparison", question: `Question of ${id}`, candidates: answers.map((answer, i) => ({ model: `m${i + 1}`, answer })), evidence: [] },
  };
}

/** `testItem(id, status)` as loaded for the screen. */
export const loaded = (id: string, status: Item["status"] = "pending"): LoadedItem => ({ item: testItem(id, status), history: [] });
