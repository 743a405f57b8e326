// Wires the review flow (reviewSession.ts, reviewSteps.ts) to React, api.ts and the item cache:
// startup, counts, loading the selected item and prefetching the one after it, and the actions
// of the keys, the decision bar and the dialogs.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import * as api from "./api";
import type { FormQuestion } from "./bindings/FormQuestion";
import type { Item } from "./bindings/Item";
import type { ReviewerProfile } from "./bindings/ReviewerProfile";
import type { SessionInfo } from "./bindings/SessionInfo";
import type { ReviewerDraft } from "./components/ReviewerDialog";
import { initialDraft } from "./edits";
import { redactText, shownAnswerFindings } from "./redaction";
import { answered, answersOf, digitPressed, focusMoved, missingRequired, needsRequired, NO_ANSWERS, type FormAnswers } from "./reviewForm";
import { useReviewForm } from "./useReviewForm";
import { checksOf, doubtfulCount } from "./claimChecks";
import { approveRefusal, candidateCount, pickOf } from "./comparisonPicks";
import { useClaimChecks } from "./useClaimChecks";
import { newDecisionId } from "./ids";
import { itemCache } from "./itemCache";
import { BROWSE, type ReviewMode } from "./mode";
import { select, selectedIndex, wantsNextPage, withoutEntry, type DecidingAction, type StatusFilter } from "./queue";
import {
  counted,
  decidable,
  decisionDraft,
  editSaved,
  INITIAL_SESSION,
  isReady,
  itemFailed,
  itemPatched,
  itemRefreshed,
  itemRetried,
  itemShown,
  listChanged,
  started,
  startFailed,
  withMode,
  type DecisionDetails,
  type LoadedItem,
} from "./reviewSession";
import { reviewSteps } from "./reviewSteps";
import { usePagedQueue, type Criteria } from "./usePagedQueue";
import { usePaintMark } from "./usePaintMark";
import type { ToastMessage } from "./useToast";

async function loadItem(externalId: string): Promise<LoadedItem> {
  const [item, history] = await Promise.all([api.getItem(externalId), api.itemHistory(externalId)]);
  return { item, history };
}

const NO_QUESTIONS: readonly FormQuestion[] = [];

/** Fetch the next page once the selection is this close to the end of the loaded rows. */
const PREFETCH_ROWS = 10;
/** Items loaded ahead of the selection (see itemCache.ts): a few, and never older than this. */
const PREFETCHED_ITEMS = 8;
const PREFETCH_TTL_MS = 30_000;

/** `showToast` and `dismissToast` must be stable (as useToast's are). */
export function useReviewSession(showToast: (message: ToastMessage) => void, dismissToast: () => void) {
  const [state, setState] = useState(INITIAL_SESSION);
  const paged = usePagedQueue("pending", state.session?.reviewer ?? null);
  const { queue, queueRef, criteria, update, reload: reloadQueue, loadNextPage, showFilter: showPagedFilter, showCriteria: showPagedCriteria, showList: showPagedList } = paged;
  const items = useMemo(() => itemCache(loadItem, { capacity: PREFETCHED_ITEMS, ttlMs: PREFETCH_TTL_MS }), []);
  /** Grows after every change to the decisions or items: the dashboard refetches its figures. */
  const [statsRevision, setStatsRevision] = useState(0);
  /** Grows when work behind the queue finished (an import, a merge, an LLM run), not per decision. */
  const [backgroundRevision, setBackgroundRevision] = useState(0);
  const [reloadKey, setReloadKey] = useState(0);
  const [reviewerDraft, setReviewerDraft] = useState<ReviewerDraft>({ name: "", role: "analyst" });
  const [profiles, setProfiles] = useState<ReviewerProfile[]>([]);
  const setMode = useCallback((change: ReviewMode | ((mode: ReviewMode) => ReviewMode)) => setState(withMode(change)), []);
  const showError = (text: string) => showToast({ tone: "error", text });

  /** Counts per status under the filter bar's criteria (the tabs are the status). */
  const fetchCounts = useCallback(() => api.statusCounts({ ...criteria, status: null }), [criteria]);
  // The steps run after the render that started them: they count under the latest criteria.
  const latestCounts = useRef(fetchCounts);
  useEffect(() => {
    latestCounts.current = fetchCounts;
  });

  const steps = useMemo(
    () =>
      reviewSteps({
        decide: api.decide,
        adjudicate: api.adjudicate,
        undo: api.undo,
        redo: api.redo,
        chooseReviewer: api.chooseReviewer,
        counts: () => latestCounts.current(),
        newDecisionId,
        loadItem: items.load,
        peekItem: items.peek,
        forgetItem: items.forget,
        clearItems: items.clear,
        queue: () => queueRef.current,
        apply: setState,
        updateQueue: update,
        reloadQueue,
        toast: showToast,
        dismissToast,
        bumpStats: () => setStatsRevision((n) => n + 1),
        after: (ms, run) => {
          const timer = window.setTimeout(run, ms);
          return () => window.clearTimeout(timer);
        },
        // A timer set in the next frame's callback runs once that frame is painted (as in usePaintMark).
        afterPaint: (run) => void requestAnimationFrame(() => window.setTimeout(run, 0)),
      }),
    [items, queueRef, update, reloadQueue, showToast, dismissToast],
  );

  /** Opens the reviewer dialog, prefilled with who is reviewing now. */
  const askReviewer = useCallback((info: SessionInfo) => {
    setReviewerDraft({ name: info.needs_profile ? "" : info.reviewer, role: info.role ?? "analyst" });
    api.reviewers().then(setProfiles, () => setProfiles([]));
    setState(withMode({ kind: "reviewer" }));
  }, []);

  useEffect(() => {
    Promise.all([api.sessionInfo(), api.rejectReasons()]).then(
      ([info, reasons]) => {
        setState(started(info, reasons));
        if (info.needs_profile) askReviewer(info);
      },
      (thrown: unknown) => setState(startFailed(api.toCallError(thrown))),
    );
  }, [askReviewer]);

  useEffect(() => {
    fetchCounts().then(
      (counts) => setState(counted(counts)),
      (thrown: unknown) => setState(startFailed(api.toCallError(thrown))),
    );
  }, [fetchCounts]);

  // Load the selected item unless it is already shown (a decision loads its successor itself).
  const selectedId = queue.selectedId;
  const shownId = state.current?.item.external_id ?? null;
  usePaintMark(shownId);
  useEffect(() => {
    if (selectedId === null || selectedId === shownId) return;
    let superseded = false;
    items.load(selectedId).then(
      (loaded) => {
        if (!superseded) setState(itemShown(loaded));
      },
      (thrown: unknown) => {
        if (!superseded) setState(itemFailed(api.toCallError(thrown)));
      },
    );
    return () => {
      superseded = true;
    };
  }, [items, selectedId, shownId, reloadKey]);

  // While the reviewer reads an item, load the one after it: `j` or a decision then shows it in
  // the keypress's own frame.
  const { entries } = queue;
  useEffect(() => {
    if (shownId === null) return;
    const after = entries[entries.findIndex((entry) => entry.external_id === shownId) + 1];
    if (after !== undefined) items.prefetch(after.external_id);
  }, [items, shownId, entries]);

  const index = selectedIndex(queue);
  useEffect(() => {
    if (!paged.loading && paged.error === null && wantsNextPage(queue, index + PREFETCH_ROWS)) loadNextPage();
  }, [queue, index, paged.loading, paged.error, loadNextPage]);

  const queueIsEmpty = queue.entries.length === 0 && !queue.hasMore;
  const ready = isReady(state, queueIsEmpty);
  useEffect(() => {
    if (ready) document.body.dataset.ready = "true";
  }, [ready]);

  const { mode, reasons } = state;
  const target = decidable(state, selectedId);
  const [formRevision, setFormRevision] = useState(0);
  // A comparison answers no form (the core refuses answers with one): its pick is its judgement.
  const formDomain = state.current === null || candidateCount(state.current.item) > 0 ? null : state.current.item.domain;
  const { form: reviewForm, loading: formLoading } = useReviewForm(formDomain, `${backgroundRevision}:${formRevision}`);
  const questions = reviewForm?.questions ?? NO_QUESTIONS;
  const [formAnswers, setFormAnswers] = useState<FormAnswers>(NO_ANSWERS);
  const formNow = shownId === null ? NO_ANSWERS : answersOf(formAnswers, shownId);
  /** Changes the shown item's answers from the latest state (quick key presses each count). */
  const updateForm = (change: (form: FormAnswers) => FormAnswers) => {
    if (shownId !== null) setFormAnswers((held) => change(answersOf(held, shownId)));
  };
  // An adjudicator's final decision answers no form (the reviews it settles did).
  const adjudicating = queue.filter === "conflict";
  const formAsked = reviewForm !== null && !adjudicating;
  /** True (and the form says which questions) when `action` may not be taken before answering the required ones. */
  const blockedByForm = (action: DecidingAction): boolean => {
    if (formLoading && !adjudicating) {
      showToast({ tone: "info", text: "This domain's review form is still loading: press the key again in a moment." });
      return true;
    }
    const missing = formAsked && needsRequired(action) ? missingRequired(questions, formNow.answers) : [];
    if (missing.length === 0) return false;
    updateForm((form) => ({ ...form, missing, focused: questions.findIndex((q) => q.id === missing[0]) }));
    const labels = questions.filter((q) => missing.includes(q.id)).map((q) => q.label);
    showToast({ tone: "info", text: `Answer the review form first: ${labels.join("; ")}` });
    return true;
  };
  // A form change elsewhere (a team server names the domain) may come with new claim settings too.
  const claims = useClaimChecks(state.current?.item ?? null, `${backgroundRevision}:${formRevision}`, showToast);
  const decide = (action: DecidingAction, details?: DecisionDetails) => {
    if (target === null || steps.pending() || blockedByForm(action)) return;
    // Only answers to the form in force (a form saved meanwhile may have dropped a question).
    const given = answersOf(formAnswers, target.item.external_id).answers;
    const answers = formAsked ? Object.fromEntries(questions.filter((q) => q.id in given).map((q) => [q.id, given[q.id]])) : {};
    // Claim verdicts go with a review, not with a final decision (the reviews it settles have them).
    const checks = adjudicating ? [] : checksOf(claims.draftOf(target.item));
    // Sent with this decision (a failed one is retried with the same draft): an undo shows the item afresh.
    claims.clear();
    void steps.decide(target.item, decisionDraft(newDecisionId(), target.item, action, { ...details, answers, claims: checks }));
  };
  /**
   * Approves, after a confirmation when claims are marked unsupported or contradicted and the
   * domain asks. A comparison is approved by its pick instead: this only says how.
   */
  const approve = () => {
    if (target === null || steps.pending()) return;
    const refused = approveRefusal(target.item);
    if (refused !== null) {
      showToast({ tone: "info", text: refused });
      return;
    }
    const doubtful = adjudicating ? 0 : doubtfulCount(claims.draftOf(target.item));
    if (doubtful > 0 && claims.confirmApprove && mode.kind === "browse") {
      if (!blockedByForm("approve")) setMode({ kind: "confirm-approve", doubtful });
      return;
    }
    decide("approve");
  };
  /** Approves a comparison with `choice`: its best candidate (as shown, from 1) or a tie. */
  const pick = (choice: number | "tie") => {
    if (target === null || steps.pending()) return;
    const picked = pickOf(target.item, choice);
    if ("notice" in picked) showToast({ tone: "info", text: picked.notice });
    else decide("approve", { pick: picked.pick });
  };
  const openEditor = (item: Item, candidate?: number) => {
    const draft = initialDraft(item, candidate);
    setMode({ kind: "edit", draft, initial: draft, notice: null });
  };
  /** Opens the editor; a comparison's first asks which candidate the edit starts from. */
  const startEdit = () => {
    if (target === null || blockedByForm("edit")) return;
    if (candidateCount(target.item) > 0) setMode({ kind: "choose-candidate" });
    else openEditor(target.item);
  };
  /** The comparison's edit starts from `candidate` (as shown, from 1). */
  const editCandidate = (candidate: number) => {
    if (target !== null && mode.kind === "choose-candidate" && candidate >= 1 && candidate <= candidateCount(target.item)) openEditor(target.item, candidate - 1);
  };
  /**
   * Opens the editor (or keeps the open one) with the privacy screen's findings in the shown
   * answer replaced by their typed placeholders; returns how many were replaced (0: nothing to
   * redact, nothing changes), or null when an edit cannot start now (another dialog is open, or
   * the review form must be answered first, which `blockedByForm` says). Saving the edit records
   * it like any other.
   */
  const redact = (): number | null => {
    if (target === null || (mode.kind !== "browse" && mode.kind !== "edit")) return null;
    const initial = initialDraft(target.item);
    const editing = mode.kind === "edit" ? mode : { kind: "edit" as const, draft: initial, initial, notice: null };
    if (editing.draft.kind !== "answer") return 0;
    const { text, replaced } = redactText(editing.draft.answer, shownAnswerFindings(target.item));
    // Only an edit that would open waits for the review form.
    if (replaced === 0 || (mode.kind === "browse" && blockedByForm("edit"))) return replaced === 0 ? 0 : null;
    setMode({ ...editing, draft: { kind: "answer", answer: text }, notice: null });
    return replaced;
  };
  const startReject = () => {
    if (target !== null && reasons.length > 0 && !blockedByForm("reject")) setMode({ kind: "reject", reasonIndex: 0, note: "" });
  };
  const startSme = () => {
    if (target !== null) setMode({ kind: "sme", question: "" });
  };
  const saveEdit = () => {
    if (mode.kind !== "edit") return;
    const saved = editSaved(mode);
    if ("notice" in saved) setMode({ ...mode, notice: saved.notice });
    else decide("edit", { edited: saved.edited });
  };
  const confirmReject = () => {
    const reason = mode.kind === "reject" ? reasons[mode.reasonIndex] : undefined;
    if (mode.kind === "reject" && reason !== undefined) decide("reject", { reason: reason.id, note: mode.note.trim() || null });
  };
  const confirmSme = () => {
    if (mode.kind === "sme" && mode.question.trim() !== "") decide("needs_sme", { note: mode.question.trim() });
  };
  const confirmReviewer = () => {
    const name = reviewerDraft.name.trim();
    if (mode.kind === "reviewer" && name !== "") void steps.switchReviewer(name, reviewerDraft.role);
  };
  /** Back to browsing, except at first start: there is no reviewer to go back to. */
  const cancel = () => {
    if (mode.kind !== "reviewer" || state.session?.needs_profile !== true) setMode(BROWSE);
  };
  // Stable, so the memoized queue list, tabs and filter bar skip renders that do not concern them.
  // Another tab or other criteria: nothing is shown until the new list selects an item.
  const showFilter = useCallback(
    (filter: StatusFilter) => {
      if (filter === queueRef.current.filter) return;
      showPagedFilter(filter);
      setState(listChanged);
    },
    [queueRef, showPagedFilter],
  );
  const showCriteria = useCallback(
    (next: Criteria) => {
      showPagedCriteria(next);
      setState(listChanged);
    },
    [showPagedCriteria],
  );
  const showList = useCallback(
    (filter: StatusFilter, next: Criteria) => {
      showPagedList(filter, next);
      setState(listChanged);
    },
    [showPagedList],
  );
  const selectEntry = useCallback(
    (externalId: string) => {
      if (steps.pending()) return;
      setMode(BROWSE);
      update((queueState) => select(queueState, externalId));
    },
    [steps, setMode, update],
  );
  const refreshCounts = () =>
    fetchCounts().then(
      (counts) => setState(counted(counts)),
      (thrown: unknown) => showError(api.toCallError(thrown).message),
    );
  const loadPastRow = useCallback(
    (row: number) => {
      if (wantsNextPage(queueRef.current, row)) loadNextPage();
    },
    [queueRef, loadNextPage],
  );

  return {
    ...state,
    queue,
    paged,
    selectedId,
    /** 0-based place of the selection in the loaded list, -1 when none. */
    index,
    queueIsEmpty,
    /** A decision can be made now: the item on screen is the selected one. */
    reviewable: target !== null,
    statsRevision,
    /** Others changed the data (a team server's announcement): the dashboard fetches again. */
    refreshStats: () => setStatsRevision((n) => n + 1),
    backgroundRevision,
    reviewerChoice: { draft: reviewerDraft, profiles, setDraft: setReviewerDraft, confirm: confirmReviewer },
    setMode,
    cancel,
    /** A decision or revert is in flight: keys and queue clicks do nothing. */
    pending: steps.pending,
    move: steps.move,
    /** Resolves once the undo or redo is recorded and shown (or refused). */
    revert: (which: "undo" | "redo") => steps.revert(which),
    approve,
    pick,
    confirmApprove: () => {
      if (mode.kind === "confirm-approve") decide("approve");
    },
    /** The shown answer's claims as checked so far, and the domain's claim settings. */
    claims,
    /** The shown domain's review form and the answers given on the shown item. */
    form: { form: formAsked ? reviewForm : null, answers: formNow },
    formDigit: (digit: number) => updateForm((form) => digitPressed(form, questions, digit)),
    formMove: (delta: 1 | -1) => updateForm((form) => focusMoved(form, questions, delta)),
    formAnswer: (questionId: string, value: unknown) => updateForm((form) => answered(form, questionId, value)),
    formFocus: (index: number) => updateForm((form) => ({ ...form, focused: index })),
    /** A form was saved or removed here: fetch the forms again. */
    formsChanged: () => setFormRevision((n) => n + 1),
    startEdit,
    editCandidate,
    redact,
    startReject,
    startSme,
    saveEdit,
    confirmReject,
    confirmSme,
    askReviewer: () => {
      if (state.session !== null) askReviewer(state.session);
    },
    showFilter,
    showCriteria,
    showList,
    selectEntry,
    loadPastRow,
    retryItem: () => {
      if (selectedId !== null) items.forget(selectedId);
      setState(itemRetried);
      setReloadKey((key) => key + 1);
    },
    /** Runs an annotation change and shows its result on the item it was made on. */
    annotate: (change: (externalId: string) => Promise<Partial<Item>>) => {
      if (shownId === null) return;
      items.forget(shownId);
      change(shownId).then(
        (patch) => setState(itemPatched(shownId, patch)),
        (thrown: unknown) => showError(api.toCallError(thrown).message),
      );
    },
    /** Data changed behind the app (an import here or from the CLI, a merge, an LLM run): recount and reload the list. */
    refreshAfterImport: () => {
      items.clear();
      refreshCounts();
      reloadQueue(selectedId);
      setStatsRevision((n) => n + 1);
      setBackgroundRevision((n) => n + 1);
    },
    /**
     * The counts as they are now, the queue left as it is: on a team server, the items leased to
     * this reviewer stay theirs whatever the others decide or import.
     */
    refreshCounts,
    /** Takes an item off the list (given back to the team server), selecting its neighbour. */
    drop: (externalId: string) => update((queueState) => withoutEntry(queueState, externalId)),
    /** Shows the selected item as stored now (e.g. with the verdict a vet run just added). */
    refreshShownItem: () => {
      const shown = selectedId;
      if (shown !== null) loadItem(shown).then((loaded) => setState(itemRefreshed(shown, loaded)), () => undefined);
    },
    /** Items changed elsewhere (another reviewer's tags or mark): none is shown from the cache again,
     * and the shown one is loaded anew. */
    itemsChanged: (changed: ReadonlySet<string>) => {
      changed.forEach((id) => items.forget(id));
      const shown = selectedId;
      if (shown !== null && changed.has(shown)) loadItem(shown).then((loaded) => setState(itemRefreshed(shown, loaded)), () => undefined);
    },
  };
}

export type ReviewSession = ReturnType<typeof useReviewSession>;
