// The review screen's state as plain data: who reviews, the item on screen, the interaction mode,
// the counts and the busy bar. React holds one SessionState; every change goes through the pure
// transitions below (the async steps that call them are in reviewSteps.ts).
import type { ClaimCheck } from "./bindings/ClaimCheck";
import type { CallError } from "./api";
import type { Decision } from "./bindings/Decision";
import type { DecisionDraft } from "./bindings/DecisionDraft";
import type { EditedContent } from "./bindings/EditedContent";
import type { Item } from "./bindings/Item";
import type { Pick as CandidatePick } from "./bindings/Pick";
import type { RejectReason } from "./bindings/RejectReason";
import type { SessionInfo } from "./bindings/SessionInfo";
import type { StatusCounts } from "./bindings/StatusCounts";
import { draftProblem, finishedDraft, isUnchanged } from "./edits";
import { BROWSE, type ReviewMode } from "./mode";
import type { DecidingAction } from "./queue";

/** An item as the item view shows it: the item and its decisions. */
export interface LoadedItem {
  item: Item;
  history: Decision[];
}

export interface SessionState {
  /** Null until startup answered. */
  session: SessionInfo | null;
  reasons: RejectReason[];
  /** Startup (session, reasons or counts) failed: the app shows only this. */
  startupError: CallError | null;
  /** Per status, under the filter bar's criteria; null until first counted. */
  counts: StatusCounts | null;
  /** The item on screen. It may lag the selection while the selected item loads. */
  current: LoadedItem | null;
  /** The selected item could not be loaded (shown instead of the item, with Retry). */
  itemError: CallError | null;
  mode: ReviewMode;
  /** A decision or revert is taking long enough to show the decision bar as busy. */
  busy: boolean;
}

export const INITIAL_SESSION: SessionState = {
  session: null,
  reasons: [],
  startupError: null,
  counts: null,
  current: null,
  itemError: null,
  mode: BROWSE,
  busy: false,
};

export type Transition = (state: SessionState) => SessionState;

export const started = (info: SessionInfo, reasons: RejectReason[]): Transition => (s) => ({ ...s, session: info, reasons });

export const startFailed = (error: CallError): Transition => (s) => ({ ...s, startupError: error });

export const counted = (counts: StatusCounts): Transition => (s) => ({ ...s, counts });

/** Changes the mode; the state is kept as is (no render) when `change` returns the same mode. */
export const withMode =
  (change: ReviewMode | ((mode: ReviewMode) => ReviewMode)): Transition =>
  (s) => {
    const mode = typeof change === "function" ? change(s.mode) : change;
    return mode === s.mode ? s : { ...s, mode };
  };

/** The state is kept as is when already so: the end of a fast decision renders nothing more. */
export const busyShown = (busy: boolean): Transition => (s) => (s.busy === busy ? s : { ...s, busy });

/**
 * A newly selected item is on screen. It ends any editing, but neither the reviewer question at
 * first start nor the dashboard (e.g. after an import).
 */
export const itemShown = (loaded: LoadedItem): Transition => (s) => ({
  ...s,
  current: loaded,
  itemError: null,
  mode: s.mode.kind === "reviewer" || s.mode.kind === "stats" ? s.mode : BROWSE,
});

export const itemFailed = (error: CallError): Transition => (s) => ({ ...s, itemError: error });

/** After a recorded decision: the next item (null at the end of the list) or why it failed to load. */
export const advanced = (next: { loaded: LoadedItem | null } | { error: CallError }): Transition => (s) => ({
  ...s,
  ...("error" in next ? { itemError: next.error } : { current: next.loaded, itemError: null }),
  mode: BROWSE,
});

/** The decided item had changed: shown again as stored now (each part if it could be fetched). */
export const conflictReloaded = (counts: StatusCounts | null, reloaded: LoadedItem | null): Transition => (s) => ({
  ...s,
  counts: counts ?? s.counts,
  current: reloaded ?? s.current,
  mode: BROWSE,
});

/** After an undo or redo: the item it touched, and the counts it changed. The mode is kept. */
export const reverted = (counts: StatusCounts, loaded: LoadedItem): Transition => (s) => ({ ...s, counts, current: loaded, itemError: null });

/** Another tab or other criteria: nothing is shown until the new list selects an item. */
export const listChanged: Transition = (s) => ({ ...s, current: null, itemError: null, mode: BROWSE });

/** Another reviewer: their list starts from scratch. */
export const reviewerSwitched = (info: SessionInfo): Transition => (s) => ({ ...s, session: info, mode: BROWSE, current: null });

/** Retry after a failed item load: the placeholder shows until the load answers. */
export const itemRetried: Transition = (s) => ({ ...s, itemError: null, current: null });

/** `externalId` as stored now (e.g. with a verdict a vet run added), if it is still on screen. */
export const itemRefreshed = (externalId: string, loaded: LoadedItem): Transition => (s) =>
  s.current?.item.external_id === externalId ? { ...s, current: { ...s.current, item: loaded.item, history: loaded.history } } : s;

/** An annotation (tags, do-not-train) changed on `externalId`, if it is still on screen. */
export const itemPatched = (externalId: string, patch: Partial<Item>): Transition => (s) =>
  s.current?.item.external_id === externalId ? { ...s, current: { ...s.current, item: { ...s.current.item, ...patch } } } : s;

/** What a decision can be made on: the item on screen once it is the selected one, once someone is reviewing. */
export function decidable(state: SessionState, selectedId: string | null): { item: Item } | null {
  const item = state.current?.item;
  return state.session !== null && item !== undefined && item.external_id === selectedId ? { item } : null;
}

/** The app is usable: the e2e tests wait for `body[data-ready="true"]`. */
export function isReady(state: SessionState, queueIsEmpty: boolean): boolean {
  return state.session !== null && state.counts !== null && (state.current !== null || queueIsEmpty);
}

export type DecidingDraft = DecisionDraft & { action: DecidingAction };

export interface DecisionDetails {
  edited?: EditedContent;
  reason?: string;
  note?: string | null;
  /** Answers to the domain's review form, by question id. */
  answers?: Readonly<Record<string, unknown>>;
  /** Verdicts on the answer's claims. */
  claims?: readonly ClaimCheck[];
  /** A comparison's best candidate or a tie: given with its approve, and only then. */
  pick?: CandidatePick;
}

/**
 * The decision to make on `item` (its version: the core refuses it if the item changed since). It
 * names no reviewer: the shell records it as the reviewer of its session.
 */
export function decisionDraft(id: string, item: Item, action: DecidingAction, details: DecisionDetails = {}): DecidingDraft {
  return {
    id,
    item: item.external_id,
    item_version: item.version,
    action,
    edited: details.edited ?? null,
    reason: details.reason ?? null,
    note: details.note ?? null,
    answers: { ...details.answers },
    claims: [...(details.claims ?? [])],
    pick: details.pick ?? null,
  };
}

export const UNCHANGED_NOTICE = "Nothing changed, so nothing was recorded. To accept it as it is, press Esc, then A to approve.";
export const UNCHANGED_CANDIDATE_NOTICE = "Nothing changed, so nothing was recorded. To accept the candidate as it is, press Esc, then its number to pick it as the best.";

/** Saving the editor: a notice when there is nothing valid to record, else the content to record. */
export function editSaved(mode: Extract<ReviewMode, { kind: "edit" }>): { notice: string } | { edited: EditedContent } {
  const problem = draftProblem(mode.draft);
  if (problem !== null) return { notice: problem };
  if (isUnchanged(mode.draft, mode.initial)) return { notice: mode.draft.kind === "comparison" ? UNCHANGED_CANDIDATE_NOTICE : UNCHANGED_NOTICE };
  return { edited: finishedDraft(mode.draft) };
}

/** The reject dialog's highlighted reason moved by `delta`, within the `count` reasons. */
export const reasonMoved =
  (delta: number, count: number) =>
  (mode: ReviewMode): ReviewMode =>
    mode.kind === "reject" ? { ...mode, reasonIndex: Math.min(Math.max(mode.reasonIndex + delta, 0), count - 1) } : mode;
