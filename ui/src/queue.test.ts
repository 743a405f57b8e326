import { describe, expect, it } from "vitest";
import type { Decision } from "./bindings/Decision";
import type { Item } from "./bindings/Item";
import type { ItemStatus } from "./bindings/ItemStatus";
import type { QueueEntry } from "./bindings/QueueEntry";
import {
  applyDecision,
  withoutEntry,
  countFor,
  emptyQueue,
  entryChangesAfter,
  mergePage,
  moveSelection,
  queueTitle,
  select,
  selectedIndex,
  statusAfter,
  tabScope,
  wantsNextPage,
  type QueueState,
  type StatusFilter,
} from "./queue";
import { testComparison } from "./reviewFixtures";

function entry(id: number, status: ItemStatus = "pending"): QueueEntry {
  return {
    id,
    external_id: `item-${id}`,
    kind: id % 2 === 0 ? "relationship" : "answer",
    domain: "test",
    model: "m",
    title: `Item ${id}`,
    status,
    verdict: null,
  };
}

const cursor = (id: number) => ({ key: id, id });

function queueOf(filter: StatusFilter, ids: number[], selected: number | null, nextAfter: number | null = null): QueueState {
  const status: ItemStatus = filter === null || filter === "conflict" ? "pending" : filter;
  const next_after = nextAfter === null ? null : cursor(nextAfter);
  const state = mergePage(emptyQueue(filter), { entries: ids.map((id) => entry(id, status)), next_after });
  return { ...state, selectedId: selected === null ? null : `item-${selected}` };
}

const ids = (state: QueueState) => state.entries.map((e) => e.id);

describe("mergePage", () => {
  it("selects the first entry of the first page", () => {
    const state = mergePage(emptyQueue("pending"), { entries: [entry(3), entry(5)], next_after: cursor(5) });
    expect(state.selectedId, "startup selects the first pending item").toBe("item-3");
    expect(state.after, "the cursor is the page's next_after").toEqual(cursor(5));
    expect(state.hasMore, "a full page may have a successor").toBe(true);
  });

  it("appends the next page without duplicating entries already listed", () => {
    const first = mergePage(emptyQueue(null), { entries: [entry(1), entry(2), entry(3)], next_after: cursor(3) });
    const second = mergePage(first, { entries: [entry(3), entry(4)], next_after: null });
    expect(ids(second), "entry 3 appears once, in its first place").toEqual([1, 2, 3, 4]);
    expect(second.hasMore, "next_after null means no more pages").toBe(false);
    expect(second.selectedId, "a later page keeps the selection").toBe("item-1");
  });

  it("keeps an entry's in-place status over the copy in a later page", () => {
    const first = applyDecision(queueOf(null, [1, 2], 1, 2), "item-1", "approved");
    const merged = mergePage(first, { entries: [entry(1), entry(9)], next_after: null });
    expect(merged.entries[0]?.status, "the already listed entry is not replaced").toBe("approved");
  });

  it("leaves the selection empty when the queue is empty", () => {
    const state = mergePage(emptyQueue("pending"), { entries: [], next_after: null });
    expect(state.selectedId, "nothing to select").toBeNull();
    expect(state.hasMore, "an empty last page ends the queue").toBe(false);
  });
});

describe("moveSelection", () => {
  const state = queueOf("pending", [1, 2, 3], 2);

  it("moves to the next and the previous entry", () => {
    expect(moveSelection(state, 1).selectedId, "j selects the following entry").toBe("item-3");
    expect(moveSelection(state, -1).selectedId, "k selects the preceding entry").toBe("item-1");
  });

  it("stops at the ends instead of wrapping", () => {
    const last = queueOf("pending", [1, 2, 3], 3);
    const first = queueOf("pending", [1, 2, 3], 1);
    expect(moveSelection(last, 1), "next at the last entry changes nothing").toBe(last);
    expect(moveSelection(first, -1), "previous at the first entry changes nothing").toBe(first);
  });

  it("selects the first entry when nothing was selected", () => {
    expect(moveSelection(queueOf("pending", [1, 2], null), 1).selectedId, "j with no selection").toBe("item-1");
  });

  it("does nothing on an empty list", () => {
    const empty = emptyQueue("pending");
    expect(moveSelection(empty, 1), "no entries, no move").toBe(empty);
  });
});

describe("select", () => {
  it("selects a listed entry and ignores unknown ids", () => {
    const state = queueOf("pending", [1, 2], 1);
    expect(select(state, "item-2").selectedId, "click selects the row").toBe("item-2");
    expect(select(state, "nope"), "an id not in the list is ignored").toBe(state);
  });
});

describe("applyDecision", () => {
  it("in Pending, removes the decided entry and selects the one after it", () => {
    const next = applyDecision(queueOf("pending", [1, 2, 3], 2), "item-2", "approved");
    expect(ids(next), "the decided item leaves the pending list").toEqual([1, 3]);
    expect(next.selectedId, "the queue advances to the next item").toBe("item-3");
    expect(selectedIndex(next), "which is now at the decided item's place").toBe(1);
  });

  it("in Pending, selects the previous entry when the last one is decided", () => {
    const next = applyDecision(queueOf("pending", [1, 2, 3], 3), "item-3", "rejected");
    expect(ids(next), "the last entry left").toEqual([1, 2]);
    expect(next.selectedId, "with no following entry, the previous is selected").toBe("item-2");
  });

  it("in Pending, selects nothing when the only entry is decided", () => {
    const next = applyDecision(queueOf("pending", [7], 7), "item-7", "edited");
    expect(next.entries, "the list is empty").toEqual([]);
    expect(next.selectedId, "nothing left to select").toBeNull();
  });

  it.each([null, "approved", "rejected"] as const)("in %s, updates the status in place and advances", (filter) => {
    const next = applyDecision(queueOf(filter, [1, 2, 3], 1), "item-1", "edited");
    expect(ids(next), "the entry stays in the list").toEqual([1, 2, 3]);
    expect(next.entries[0]?.status, "its status is the new one").toBe("edited");
    expect(next.selectedId, "the queue advances to the next item").toBe("item-2");
  });

  it("outside Pending, keeps a lone entry selected so it can be shown again", () => {
    const next = applyDecision(queueOf("approved", [4], 4), "item-4", "rejected");
    expect(next.selectedId, "nowhere to move; the decided item stays selected").toBe("item-4");
    expect(next.entries[0]?.status, "its status updated").toBe("rejected");
  });

  it("in Needs SME, an answered item leaves the list", () => {
    const next = applyDecision(queueOf("needs_sme", [1, 2], 1), "item-1", "approved");
    expect(ids(next), "the SME queue is a work queue").toEqual([2]);
  });

  it("keeps the selection when a different entry is decided", () => {
    const next = applyDecision(queueOf("pending", [1, 2, 3], 3), "item-1", "approved");
    expect(next.selectedId, "the selected entry is unaffected").toBe("item-3");
  });

  it("ignores a decision on an entry not in the list", () => {
    const state = queueOf("pending", [1, 2], 1);
    expect(applyDecision(state, "item-99", "approved"), "unknown id, no change").toBe(state);
  });

  it("keeps the keyset cursor, so the next page starts after what was loaded", () => {
    const next = applyDecision(queueOf("pending", [1, 2, 3], 3, 3), "item-3", "approved");
    expect(next.after, "the cursor still points past entry 3").toEqual(cursor(3));
    expect(next.hasMore, "more pages may follow").toBe(true);
  });
});

describe("wantsNextPage", () => {
  it("asks for more only near the end of a list that has more", () => {
    const more = queueOf("pending", [1, 2, 3, 4], 1, 4);
    expect(wantsNextPage(more, 1), "row 1 of 4 is far from the end").toBe(false);
    expect(wantsNextPage(more, 3), "the last loaded row is needed").toBe(true);
    expect(wantsNextPage(queueOf("pending", [1, 2], 1, null), 10), "no more pages to fetch").toBe(false);
  });
});

describe("statusAfter and countFor", () => {
  it("maps each action to the status it leaves", () => {
    expect(statusAfter("approve"), "approve").toBe("approved");
    expect(statusAfter("edit"), "edit").toBe("edited");
    expect(statusAfter("reject"), "reject").toBe("rejected");
    expect(statusAfter("needs_sme"), "needs SME").toBe("needs_sme");
  });

  it("counts one status, or all of them for the All tab", () => {
    const counts = { pending: 36, approved: 1, edited: 1, rejected: 1, needs_sme: 1, conflict: 2 };
    expect(countFor(counts, "pending"), "pending tab").toBe(36);
    expect(countFor(counts, "needs_sme"), "needs SME tab").toBe(1);
    expect(countFor(counts, "conflict"), "Conflicts tab").toBe(2);
    expect(countFor(counts, null), "All tab sums every status; conflicts are pending already").toBe(40);
  });
});

describe("tabScope", () => {
  it("Pending is what this reviewer still has to review; Conflicts are the adjudication queue", () => {
    expect(tabScope("pending", "ann")).toEqual({ status: "pending", awaiting: "ann" });
    expect(tabScope("conflict", "ann")).toEqual({ status: null, review: "conflict" });
    expect(tabScope("approved", "ann"), "decided tabs are the same for everyone").toEqual({ status: "approved" });
    expect(tabScope(null, "ann")).toEqual({ status: null });
    expect(tabScope("pending", null), "before the session is known").toEqual({ status: "pending" });
  });
});

describe("a decision in the Conflicts tab", () => {
  it("takes the settled item out of the adjudication queue", () => {
    const state = applyDecision(queueOf("conflict", [1, 2], 1), "item-1", "approved");
    expect(state.entries.map((e) => e.external_id)).toEqual(["item-2"]);
    expect(state.selectedId).toBe("item-2");
  });
});

describe("the row of an edited item", () => {
  const relationshipItem = (externalId: string): Item => ({
    external_id: externalId,
    domain: "music-store",
    model: "m",
    status: "pending",
    version: 0,
    body: {
      kind: "relationship",
      source: { product: "Invoice", fields: [], sample_rows: [] },
      target: { product: "Customer", fields: [], sample_rows: [] },
      relation: { type: "foreign_key", cardinality: "N:1", mapping: [{ source_field: "CustomerId", target_field: "CustomerId" }] },
      rationale: "",
      confidence: null,
    },
    vetting: null,
    assessment: null,
    metadata: {},
    latest_edit: null,
    tags: [],
    do_not_train: false,
    sensitive: [],
    claims: [],
    created_at: "",
    updated_at: "",
  });
  const edit = (item: string, mapping: { source_field: string; target_field: string }[]): Decision => ({
    id: "d1",
    item,
    item_version: 0,
    reviewer: "r",
    action: "edit",
    edited: { kind: "relationship", relation: { type: "foreign_key", cardinality: "1:1", mapping } },
    reason: null,
    note: null,
    decided_at: "",
    reverts: null,
    edit_distance: null,
    pick: null,
  });

  it("titles a relationship by the mapping in force, as the core titles the proposal", () => {
    const item = relationshipItem("item-2");
    expect(queueTitle(item.body, null), "the proposal").toBe("Invoice.CustomerId → Customer.CustomerId");
    expect(queueTitle(item.body, edit("item-2", [{ source_field: "BillingCity", target_field: "City" }, { source_field: "BillingState", target_field: "State" }]).edited), "a composite edit").toBe(
      "Invoice.BillingCity+BillingState → Customer.City+State",
    );
  });

  it("titles a comparison by its question, whichever candidate an edit started from", () => {
    const { body } = testComparison("cmp-1", ["a", "b"]);
    expect(queueTitle(body, { kind: "comparison", answer: "c", based_on: 1 }), "as the core titles it").toBe("Question of cmp-1");
  });

  it("retitles the decided row in place when it stays in the list", () => {
    const changes = entryChangesAfter(relationshipItem("item-2"), edit("item-2", [{ source_field: "BillingCity", target_field: "City" }]));
    const next = applyDecision(queueOf(null, [1, 2, 3], 2), "item-2", "edited", changes);
    expect(next.entries.map((e) => e.title), "only the edited row changes").toEqual(["Item 1", "Invoice.BillingCity → Customer.City", "Item 3"]);
    expect(next.entries[1]?.status, "and its status").toBe("edited");
  });

  it("changes nothing else for other decisions, another item, or no decision result", () => {
    const item = relationshipItem("item-2");
    expect(entryChangesAfter(item, { ...edit("item-2", []), action: "approve", edited: null }), "approve").toEqual({});
    expect(entryChangesAfter(item, edit("item-9", [])), "not the shown item").toEqual({});
    expect(entryChangesAfter(item, null), "no result").toEqual({});
    expect(applyDecision(queueOf(null, [1, 2], 2), "item-2", "approved").entries[1]?.title, "title kept").toBe("Item 2");
  });
});

describe("withoutEntry", () => {
  it("takes an item given back off the list and selects the one after it, else before it", () => {
    const next = withoutEntry(queueOf("pending", [1, 2, 3], 2), "item-2");
    expect(next.entries.map((e) => e.external_id)).toEqual(["item-1", "item-3"]);
    expect(next.selectedId).toBe("item-3");
    expect(withoutEntry(queueOf("pending", [1, 2], 2), "item-2").selectedId).toBe("item-1");
    expect(withoutEntry(queueOf("pending", [1], 1), "item-1").selectedId).toBeNull();
  });

  it("leaves the selection alone when another item goes", () => {
    expect(withoutEntry(queueOf("pending", [1, 2, 3], 1), "item-3").selectedId).toBe("item-1");
  });
});
