// The queue list as pure state: pages merged by keyset, selection moves, and what a decision
// does to the list. React state holds a QueueState; every change goes through these functions.
import type { Action } from "./bindings/Action";
import type { Decision } from "./bindings/Decision";
import type { EditedContent } from "./bindings/EditedContent";
import type { Item } from "./bindings/Item";
import type { ItemBody } from "./bindings/ItemBody";
import type { ItemStatus } from "./bindings/ItemStatus";
import type { QueueCursor } from "./bindings/QueueCursor";
import type { QueueEntry } from "./bindings/QueueEntry";
import type { QueueFilter } from "./bindings/QueueFilter";
import type { QueuePage } from "./bindings/QueuePage";
import type { StatusCounts } from "./bindings/StatusCounts";

/** A status tab: a status, the adjudication queue (`conflict`), or all items (`null`). */
export type StatusFilter = ItemStatus | "conflict" | null;

export interface QueueState {
  filter: StatusFilter;
  entries: QueueEntry[];
  /** Keyset cursor for the next page (`after`); null before the first page and after the last. */
  after: QueueCursor | null;
  /** False once a page came back without `next_after`. */
  hasMore: boolean;
  /** external_id of the selected entry. */
  selectedId: string | null;
}

export function emptyQueue(filter: StatusFilter): QueueState {
  return { filter, entries: [], after: null, hasMore: true, selectedId: null };
}

/** Appends a page, skipping entries already listed; selects the first entry if none is selected. */
export function mergePage(state: QueueState, page: QueuePage): QueueState {
  const known = new Set(state.entries.map((entry) => entry.id));
  const entries = [...state.entries, ...page.entries.filter((entry) => !known.has(entry.id))];
  return {
    ...state,
    entries,
    after: page.next_after,
    hasMore: page.next_after !== null,
    selectedId: state.selectedId ?? entries[0]?.external_id ?? null,
  };
}

export function selectedIndex(state: QueueState): number {
  return state.entries.findIndex((entry) => entry.external_id === state.selectedId);
}

export function select(state: QueueState, externalId: string): QueueState {
  return state.entries.some((entry) => entry.external_id === externalId) ? { ...state, selectedId: externalId } : state;
}

/** Moves the selection by `delta` rows, stopping at either end of the loaded list. */
export function moveSelection(state: QueueState, delta: number): QueueState {
  if (state.entries.length === 0) return state;
  const from = selectedIndex(state);
  const to = from < 0 ? 0 : Math.min(Math.max(from + delta, 0), state.entries.length - 1);
  const target = state.entries[to];
  return target === undefined || to === from ? state : { ...state, selectedId: target.external_id };
}

/** A decision a reviewer makes (a revert is recorded by undo and redo, not decided). */
export type DecidingAction = Exclude<Action, "revert">;

export function statusAfter(action: DecidingAction): ItemStatus {
  switch (action) {
    case "approve":
      return "approved";
    case "edit":
      return "edited";
    case "reject":
      return "rejected";
    case "needs_sme":
      return "needs_sme";
  }
}

/** Tabs that are work queues: a decided item leaves them. */
const WORK_QUEUES: ReadonlySet<StatusFilter> = new Set(["pending", "needs_sme", "conflict"]);

/**
 * The one-line queue title of an item, as the core derives it at import (ItemBody::title in
 * src/domain.rs), but of the content in force: an edited relation's mapping replaces the
 * proposed one. An answer's or a comparison's title is its question, which an edit does not change.
 */
export function queueTitle(body: ItemBody, edited: EditedContent | null): string {
  if (body.kind !== "relationship") return body.question;
  const relation = edited?.kind === "relationship" ? edited.relation : body.relation;
  const side = (product: string, fields: string[]) => `${product}.${fields.join("+")}`;
  return `${side(body.source.product, relation.mapping.map((p) => p.source_field))} → ${side(
    body.target.product,
    relation.mapping.map((p) => p.target_field),
  )}`;
}

/** What a recorded decision changes in the decided item's queue row besides its status. */
export type EntryChanges = Partial<Pick<QueueEntry, "title">>;

/**
 * The row changes a decision implies, read from the decision as the core recorded it and the
 * item it was made on (for the product names): an edit retitles the row. Nothing if the item
 * is not the decided one.
 */
export function entryChangesAfter(item: Item | null | undefined, decision: Decision | null): EntryChanges {
  if (item === null || item === undefined || decision === null || item.external_id !== decision.item) return {};
  if (decision.action !== "edit" || decision.edited === null) return {};
  return { title: queueTitle(item.body, decision.edited) };
}

/**
 * Applies a recorded decision. In a work queue (Pending, Needs SME) the item leaves the list; in
 * the others its status changes in place (with `changes`, e.g. the title of an edited mapping).
 * If it was selected, the selection moves to the entry after it, else the one before it.
 */
export function applyDecision(state: QueueState, externalId: string, status: ItemStatus, changes: EntryChanges = {}): QueueState {
  if (WORK_QUEUES.has(state.filter) && status !== state.filter) return withoutEntry(state, externalId);
  const index = state.entries.findIndex((entry) => entry.external_id === externalId);
  if (index < 0) return state;
  const entries = state.entries.map((entry, i) => (i === index ? { ...entry, ...changes, status } : entry));
  const selectedId = state.selectedId === externalId ? (neighbourOf(state, index) ?? externalId) : state.selectedId;
  return { ...state, entries, selectedId };
}

/** Where the selection goes from entry `index`: the entry after it, else the one before it. */
function neighbourOf(state: QueueState, index: number): string | null {
  return (state.entries[index + 1] ?? state.entries[index - 1])?.external_id ?? null;
}

/**
 * Takes an item off the list (decided in a work queue, or given back to a team server); if it
 * was selected, the selection moves to the entry after it, else the one before it.
 */
export function withoutEntry(state: QueueState, externalId: string): QueueState {
  const index = state.entries.findIndex((entry) => entry.external_id === externalId);
  if (index < 0) return state;
  const entries = state.entries.filter((_, i) => i !== index);
  const selectedId = state.selectedId === externalId ? neighbourOf(state, index) : state.selectedId;
  return { ...state, entries, selectedId };
}

/** Whether the next page should be fetched, given the last row the user can (almost) see. */
export function wantsNextPage(state: QueueState, lastNeededIndex: number): boolean {
  return state.hasMore && lastNeededIndex >= state.entries.length - 1;
}

/** How many items a tab holds in all (loaded or not). */
export function countFor(counts: StatusCounts, filter: StatusFilter): number {
  // Conflicts are pending items too, so "All" does not add them again.
  return filter === null ? counts.pending + counts.approved + counts.edited + counts.rejected + counts.needs_sme : counts[filter];
}

/**
 * The part of the core's QueueFilter a tab sets. Pending is what *this* reviewer still has to
 * review (with several required reviews an item stays pending until enough reviewers decided,
 * but leaves the list of each reviewer who did); Conflicts are items whose reviews disagree.
 */
export function tabScope(filter: StatusFilter, reviewer: string | null): Pick<QueueFilter, "status" | "review" | "awaiting"> {
  if (filter === "conflict") return { status: null, review: "conflict" };
  if (filter === "pending" && reviewer !== null) return { status: "pending", awaiting: reviewer };
  return { status: filter };
}
