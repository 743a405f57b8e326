// The review flow's async steps (decide, undo/redo, move, switch reviewer), written against a
// ReviewPort so tests drive them with fakes; useReviewSession.ts wires the port to api.ts, the
// item cache and React state.
//
// Invariants:
// - A decision is durable before the queue advances: nothing changes on screen before `decide`
//   (or `adjudicate`) resolved, and the busy bar only shows after BUSY_AFTER_MS.
// - The list change, the next item and the toast are applied in one synchronous block (one React
//   batch, one frame). The counts are requested only once that frame is painted (`afterPaint`),
//   and never awaited before the item is shown.
// - One decision or revert at a time: while one is in flight, `pending()` is true and another
//   decision is dropped (keys and clicks check `pending()` first).
// - A failed decision (other than a conflict) leaves the editor or dialog open; its Retry resends
//   the same input, decision id included, so it is recorded at most once.
import { toCallError } from "./api";
import type { Decision } from "./bindings/Decision";
import type { DecisionDraft } from "./bindings/DecisionDraft";
import type { Item } from "./bindings/Item";
import type { Reverted } from "./bindings/Reverted";
import type { Role } from "./bindings/Role";
import type { SessionInfo } from "./bindings/SessionInfo";
import type { StatusCounts } from "./bindings/StatusCounts";
import { applyDecision, entryChangesAfter, moveSelection, statusAfter, type DecidingAction, type QueueState } from "./queue";
import {
  advanced,
  busyShown,
  conflictReloaded,
  counted,
  itemShown,
  reverted,
  reviewerSwitched,
  type DecidingDraft,
  type LoadedItem,
  type Transition,
} from "./reviewSession";
import type { ToastMessage } from "./useToast";

/** A decision taking longer than this shows the decision bar as busy (faster ones never do). */
export const BUSY_AFTER_MS = 150;

const DONE: Record<DecidingAction, string> = { approve: "Approved", edit: "Edited", reject: "Rejected", needs_sme: "Sent to an SME:" };
const STATUS_LABEL: Record<Item["status"], string> = { pending: "pending", approved: "approved", edited: "edited", rejected: "rejected", needs_sme: "waiting for an SME" };

/** What the steps need from the core and from the screen. */
export interface ReviewPort {
  decide: (input: DecisionDraft) => Promise<Decision>;
  adjudicate: (input: DecisionDraft) => Promise<Decision>;
  undo: (id: string) => Promise<Reverted | null>;
  redo: (id: string) => Promise<Reverted | null>;
  chooseReviewer: (name: string, role: Role) => Promise<SessionInfo>;
  /** Counts under the filter bar's current criteria. */
  counts: () => Promise<StatusCounts>;
  newDecisionId: () => string;
  /** Through the prefetch cache: a prefetched item resolves at once. */
  loadItem: (externalId: string) => Promise<LoadedItem>;
  /** The item if its load has finished; never starts one. */
  peekItem: (externalId: string) => LoadedItem | undefined;
  forgetItem: (externalId: string) => void;
  clearItems: () => void;
  /** The queue list as it is now (not as of the last render). */
  queue: () => QueueState;
  // The screen: each call records a change; the calls of one synchronous block render together.
  apply: (change: Transition) => void;
  updateQueue: (change: (state: QueueState) => QueueState) => void;
  /** Reloads the list from its start, selecting `externalId`. */
  reloadQueue: (externalId: string) => void;
  toast: (message: ToastMessage) => void;
  dismissToast: () => void;
  /** The data behind the stats dashboard changed. */
  bumpStats: () => void;
  /** Runs `run` after `ms` unless the returned function is called first. */
  after: (ms: number, run: () => void) => () => void;
  /** Runs `run` once the changes recorded so far are painted (after the next frame's rendering). */
  afterPaint: (run: () => void) => void;
}

export interface ReviewSteps {
  /** A decision or revert is in flight. */
  pending: () => boolean;
  /** Records `input`, made on `decided` (the item on screen), then shows the next item. */
  decide: (decided: Item, input: DecidingDraft) => Promise<void>;
  /**
   * Undoes or redoes the reviewer's latest step, then shows the item it touched. A bulk approval
   * is one step: every cached item is dropped, since any of them may have changed.
   */
  revert: (which: "undo" | "redo") => Promise<void>;
  /** Moves the selection; a prefetched target is shown in the same batch (the keypress's frame). */
  move: (delta: 1 | -1) => void;
  switchReviewer: (name: string, role: Role) => Promise<void>;
}

export function reviewSteps(port: ReviewPort): ReviewSteps {
  let inFlight = false;

  const advance = async (decided: Item, input: DecidingDraft, decision: Decision) => {
    const status = statusAfter(input.action);
    // An edited mapping retitles its row.
    const changes = entryChangesAfter(decided, decision);
    port.forgetItem(input.item);
    const nextId = applyDecision(port.queue(), input.item, status).selectedId;
    // Usually prefetched while the decided item was read, so this resolves at once.
    const [next] = await Promise.allSettled([nextId === null ? Promise.resolve(null) : port.loadItem(nextId)]);
    // One batch: the list, the next item and the toast change together, in one frame. The counts
    // follow once that frame is painted: they scan the whole queue (10-40 ms of a core at a
    // million items), so requested any earlier their query competes with the frame for the CPU,
    // and holds the store while the item after the next one is prefetched.
    port.bumpStats();
    port.updateQueue((state) => applyDecision(state, input.item, status, changes));
    port.apply(advanced(next.status === "fulfilled" ? { loaded: next.value } : { error: toCallError(next.reason) }));
    port.toast({ tone: "success", text: `${DONE[input.action]} ${input.item}` });
    port.afterPaint(() => port.counts().then((counts) => port.apply(counted(counts)), () => undefined));
  };

  const reloadAfterConflict = async (input: DecidingDraft) => {
    port.forgetItem(input.item);
    const [counts, reloaded] = await Promise.allSettled([port.counts(), port.loadItem(input.item)]);
    port.apply(conflictReloaded(counts.status === "fulfilled" ? counts.value : null, reloaded.status === "fulfilled" ? reloaded.value : null));
    port.toast({ tone: "error", text: `${input.item} changed since you loaded it. It has been reloaded: decide again.` });
  };

  const decide = async (decided: Item, input: DecidingDraft): Promise<void> => {
    if (inFlight) return;
    // No render before the answer: a fast decision's whole result is painted in one frame.
    inFlight = true;
    const cancelBusy = port.after(BUSY_AFTER_MS, () => port.apply(busyShown(true)));
    try {
      let decision: Decision;
      try {
        // In the Conflicts tab the reviewer adjudicates: their decision is final.
        decision = await (port.queue().filter === "conflict" ? port.adjudicate : port.decide)(input);
      } catch (thrown) {
        const failure = toCallError(thrown);
        if (failure.code === "conflict") return await reloadAfterConflict(input);
        port.toast({ tone: "error", text: failure.message, action: { label: "Retry", run: () => void decide(decided, input) } });
        return;
      }
      await advance(decided, input, decision);
    } finally {
      cancelBusy();
      inFlight = false;
      port.apply(busyShown(false));
    }
  };

  const revert = async (which: "undo" | "redo") => {
    if (inFlight) return;
    inFlight = true;
    port.apply(busyShown(true));
    port.dismissToast();
    try {
      const step = await (which === "undo" ? port.undo : port.redo)(port.newDecisionId());
      if (step === null) {
        port.toast({ tone: "info", text: which === "undo" ? "Nothing of yours to undo." : "Nothing to redo." });
        return;
      }
      const { event, rule } = step;
      port.bumpStats();
      if (rule === null) port.forgetItem(event.item);
      else port.clearItems();
      const [counts, loaded] = await Promise.all([port.counts(), port.loadItem(event.item)]);
      port.apply(reverted(counts, loaded));
      port.reloadQueue(event.item);
      const verb = which === "undo" ? "Undid" : "Redid";
      port.toast({
        tone: "success",
        text:
          rule === null
            ? `${verb} the decision on ${event.item}: it is ${STATUS_LABEL[loaded.item.status]} now`
            : `${verb} the approval of ${step.decisions} candidates by the rule ${rule}`,
      });
    } catch (thrown) {
      port.toast({ tone: "error", text: toCallError(thrown).message });
    } finally {
      inFlight = false;
      port.apply(busyShown(false));
    }
  };

  const move = (delta: 1 | -1) => {
    const target = moveSelection(port.queue(), delta).selectedId;
    const ready = target === null ? undefined : port.peekItem(target);
    port.updateQueue((state) => moveSelection(state, delta));
    if (ready !== undefined) port.apply(itemShown(ready));
  };

  const switchReviewer = (name: string, role: Role) =>
    port.chooseReviewer(name, role).then(
      (info) => {
        port.clearItems();
        port.apply(reviewerSwitched(info));
        port.counts().then((counts) => port.apply(counted(counts)), () => undefined);
        port.toast({ tone: "success", text: `Reviewing as ${info.reviewer} (${info.role ?? "analyst"})` });
      },
      (thrown: unknown) => port.toast({ tone: "error", text: toCallError(thrown).message }),
    );

  return { pending: () => inFlight, decide, revert, move, switchReviewer };
}
