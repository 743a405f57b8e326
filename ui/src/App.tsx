// The review screen: queue on the left, the selected item on the right, decisions by keyboard.
// A decision is awaited (it is in SQLite when `decide` resolves) before the queue moves on.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import * as api from "./api";
import type { AppError } from "./bindings/AppError";
import type { Decision } from "./bindings/Decision";
import type { DecisionInput } from "./bindings/DecisionInput";
import type { EditedContent } from "./bindings/EditedContent";
import type { Item } from "./bindings/Item";
import type { QueueFacets } from "./bindings/QueueFacets";
import type { RejectReason } from "./bindings/RejectReason";
import type { ReviewerProfile } from "./bindings/ReviewerProfile";
import type { SessionInfo } from "./bindings/SessionInfo";
import type { StatusCounts } from "./bindings/StatusCounts";
import { AppHeader } from "./components/AppHeader";
import { CheatSheet } from "./components/CheatSheet";
import { DecisionBar } from "./components/DecisionBar";
import { EmptyQueue } from "./components/EmptyQueue";
import { ExportDialog } from "./components/ExportDialog";
import { ErrorPanel } from "./components/ErrorPanel";
import { FilterBar, focusFilterBar } from "./components/FilterBar";
import { ItemView } from "./components/ItemView";
import { JobsPanel } from "./components/JobsPanel";
import { NeedsSmeDialog } from "./components/NeedsSmeDialog";
import { QueueList } from "./components/QueueList";
import { SEARCH_INPUT_ID, SearchBox } from "./components/SearchBox";
import { RejectDialog } from "./components/RejectDialog";
import { ProvidersDialog } from "./components/ProvidersDialog";
import { ReviewerDialog, type ReviewerDraft } from "./components/ReviewerDialog";
import { RunModelDialog } from "./components/RunModelDialog";
import { StatusTabs } from "./components/StatusTabs";
import { StatsDashboard } from "./components/StatsDashboard";
import { Toast } from "./components/Toast";
import { draftProblem, finishedDraft, initialDraft, isUnchanged } from "./edits";
import { DEFAULT_EXPORT, exportRequest } from "./exportChoices";
import { newDecisionId } from "./ids";
import { itemCache } from "./itemCache";
import { commandFor, keyPressFrom, type KeyCommand } from "./keyboard";
import { keyLabel } from "./keymap";
import { DEFAULT_LLM_RUN, describeQueue, llmRunRequest, runProblem } from "./llmRun";
import { BROWSE, type ReviewMode } from "./mode";
import { applyDecision, countFor, entryChangesAfter, moveSelection, select, selectedIndex, statusAfter, tabScope, wantsNextPage, type DecidingAction, type StatusFilter } from "./queue";
import { useDataRevision } from "./useDataRevision";
import { useGlobalKeydown } from "./useGlobalKeydown";
import { useJobs } from "./useJobs";
import { promotedDecisions } from "./guidelines";
import { useGuidelines } from "./useGuidelines";
import { useKeymap } from "./useKeymap";
import { usePagedQueue, type Criteria } from "./usePagedQueue";
import { usePaintMark } from "./usePaintMark";
import { useToast } from "./useToast";

interface LoadedItem {
  item: Item;
  history: Decision[];
}

async function loadItem(externalId: string): Promise<LoadedItem> {
  const [item, history] = await Promise.all([api.getItem(externalId), api.itemHistory(externalId)]);
  return { item, history };
}

const DONE: Record<DecidingAction, string> = { approve: "Approved", edit: "Edited", reject: "Rejected", needs_sme: "Sent to an SME:" };
const STATUS_LABEL: Record<Item["status"], string> = { pending: "pending", approved: "approved", edited: "edited", rejected: "rejected", needs_sme: "waiting for an SME" };
/** Fetch the next page once the selection is this close to the end of the loaded rows. */
const PREFETCH_ROWS = 10;
/** Items loaded ahead of the selection (see itemCache.ts): a few, and never older than this. */
const PREFETCHED_ITEMS = 8;
const PREFETCH_TTL_MS = 30_000;
/** A decision taking longer than this shows the decision bar as busy (faster ones never do). */
const BUSY_AFTER_MS = 150;
const UNCHANGED_NOTICE = "Nothing changed, so nothing was recorded. To accept it as it is, press Esc, then A to approve.";

export function App() {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [reasons, setReasons] = useState<RejectReason[]>([]);
  const [startupError, setStartupError] = useState<AppError | null>(null);
  const [counts, setCounts] = useState<StatusCounts | null>(null);
  const paged = usePagedQueue("pending", session?.reviewer ?? null);
  const { queue, queueRef, criteria, update, loadNextPage } = paged;
  const [facets, setFacets] = useState<QueueFacets | null>(null);
  const [current, setCurrent] = useState<LoadedItem | null>(null);
  const [itemError, setItemError] = useState<AppError | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const items = useMemo(() => itemCache(loadItem, { capacity: PREFETCHED_ITEMS, ttlMs: PREFETCH_TTL_MS }), []);
  const [mode, setMode] = useState<ReviewMode>(BROWSE);
  const [busy, setBusy] = useState(false);
  const busyRef = useRef(false);
  const { toast, showToast, dismissToast } = useToast();
  const showError = useCallback((text: string) => showToast({ tone: "error", text }), [showToast]);
  const { keymap, changeKeymap } = useKeymap(showError);
  const [exportDraft, setExportDraft] = useState(DEFAULT_EXPORT);
  const [llmDraft, setLlmDraft] = useState(DEFAULT_LLM_RUN);
  const [guidelinesOpen, setGuidelinesOpen] = useState(true);
  const [guidelinesFocus, setGuidelinesFocus] = useState(0);
  const [reviewerDraft, setReviewerDraft] = useState<ReviewerDraft>({ name: "", role: "analyst" });
  const [profiles, setProfiles] = useState<ReviewerProfile[]>([]);

  /** Opens the reviewer dialog, prefilled with who is reviewing now. */
  const askReviewer = useCallback((current: SessionInfo) => {
    setReviewerDraft({ name: current.needs_profile ? "" : current.reviewer, role: current.role ?? "analyst" });
    api.reviewers().then(setProfiles, () => setProfiles([]));
    setMode({ kind: "reviewer" });
  }, []);
  /** Grows after every change to the decisions or items: the dashboard refetches its figures. */
  const [statsRevision, setStatsRevision] = useState(0);
  const bumpStats = useCallback(() => setStatsRevision((n) => n + 1), []);
  /** Grows when work behind the queue finished (an import, a merge, an LLM run), not per decision. */
  const [backgroundRevision, setBackgroundRevision] = useState(0);

  useEffect(() => {
    Promise.all([api.sessionInfo(), api.rejectReasons()]).then(
      ([info, taxonomy]) => {
        setSession(info);
        setReasons(taxonomy);
        if (info.needs_profile) askReviewer(info);
      },
      (thrown: unknown) => setStartupError(api.toAppError(thrown)),
    );
  }, [askReviewer]);

  const refreshFacets = useCallback(() => {
    api.queueFacets().then(setFacets, (thrown: unknown) => showError(`Filter choices could not be loaded: ${api.toAppError(thrown).message}`));
  }, [showError]);
  useEffect(refreshFacets, [refreshFacets]);

  /** Counts per status under the filter bar's criteria (the tabs are the status). */
  const fetchCounts = useCallback(() => api.statusCounts({ ...criteria, status: null }), [criteria]);
  useEffect(() => {
    fetchCounts().then(setCounts, (thrown: unknown) => setStartupError(api.toAppError(thrown)));
  }, [fetchCounts]);

  // Load the selected item unless it is already shown (a decision loads its successor itself).
  const selectedId = queue.selectedId;
  const shownId = current?.item.external_id ?? null;
  usePaintMark(shownId);
  /** Shows a newly selected item. */
  const showLoaded = useCallback((loaded: LoadedItem) => {
    setCurrent(loaded);
    setItemError(null);
    // A new selection ends any editing, but neither the reviewer question at first start nor the
    // dashboard (e.g. after an import).
    setMode((m) => (m.kind === "reviewer" || m.kind === "stats" ? m : BROWSE));
  }, []);
  useEffect(() => {
    if (selectedId === null || selectedId === shownId) return;
    let superseded = false;
    items.load(selectedId).then(
      (loaded) => {
        if (!superseded) showLoaded(loaded);
      },
      (thrown: unknown) => {
        if (!superseded) setItemError(api.toAppError(thrown));
      },
    );
    return () => {
      superseded = true;
    };
  }, [items, selectedId, shownId, reloadKey, showLoaded]);

  // While the reviewer reads an item, load the one after it: `j` or a decision then shows it in
  // the keypress's own frame.
  const { entries } = queue;
  useEffect(() => {
    if (shownId === null) return;
    const after = entries[entries.findIndex((entry) => entry.external_id === shownId) + 1];
    if (after !== undefined) items.prefetch(after.external_id);
  }, [items, shownId, entries]);

  /** New items arrived (an import here or from the CLI): recount and reload the list. */
  const selectedRef = useRef(selectedId);
  useEffect(() => {
    selectedRef.current = selectedId;
  }, [selectedId]);
  const { reload: reloadQueue } = paged;
  const refreshAfterImport = useCallback(() => {
    items.clear();
    fetchCounts().then(setCounts, (thrown: unknown) => showError(api.toAppError(thrown).message));
    refreshFacets();
    reloadQueue(selectedRef.current);
    bumpStats();
    setBackgroundRevision((n) => n + 1);
  }, [items, fetchCounts, refreshFacets, reloadQueue, showError, bumpStats]);
  useDataRevision(refreshAfterImport);

  /** Shows the selected item as stored now (e.g. with the verdict a vet run just added). */
  const refreshShownItem = useCallback(() => {
    const shown = selectedRef.current;
    if (shown === null) return;
    loadItem(shown).then(
      (loaded) => setCurrent((c) => (c?.item.external_id === shown ? { ...c, item: loaded.item, history: loaded.history } : c)),
      () => undefined,
    );
  }, []);

  const jobs = useJobs(
    useCallback(
      (outcome) => {
        showToast({ tone: outcome.tone, text: outcome.text });
        if (outcome.refreshQueue) {
          refreshAfterImport();
          refreshShownItem();
        }
      },
      [showToast, refreshAfterImport, refreshShownItem],
    ),
  );

  const index = selectedIndex(queue);
  useEffect(() => {
    if (!paged.loading && paged.error === null && wantsNextPage(queue, index + PREFETCH_ROWS)) loadNextPage();
  }, [queue, index, paged.loading, paged.error, loadNextPage]);

  const loadPastRow = useCallback(
    (row: number) => {
      if (wantsNextPage(queueRef.current, row)) loadNextPage();
    },
    [queueRef, loadNextPage],
  );

  const queueIsEmpty = queue.entries.length === 0 && !queue.hasMore;
  const ready = session !== null && counts !== null && (current !== null || queueIsEmpty);
  useEffect(() => {
    if (ready) document.body.dataset.ready = "true";
  }, [ready]);

  const reviewable = session !== null && current !== null && current.item.external_id === selectedId;
  const guidelines = useGuidelines(current?.item.domain ?? null, showError);
  const promoted = useMemo(() => promotedDecisions(guidelines.guidelines), [guidelines.guidelines]);
  const promote = (decisionId: string) =>
    void guidelines.promote(decisionId).then((ok) => ok && showToast({ tone: "success", text: "The note is now a guideline of this domain." }));

  const advanceAfter = useCallback(
    async (input: DecisionInput & { action: DecidingAction }, decision: Decision | null) => {
      const status = statusAfter(input.action);
      // An edited mapping retitles its row; `current` is the item decided (see decideCurrent).
      const changes = entryChangesAfter(current?.item, decision);
      items.forget(input.item);
      const nextId = applyDecision(queueRef.current, input.item, status).selectedId;
      // Usually prefetched while the decided item was read, so this resolves at once.
      const [next] = await Promise.allSettled([nextId === null ? Promise.resolve(null) : items.load(nextId)]);
      // One batch: the list, the next item and the toast change together, in one frame. The
      // counts follow: they scan the whole queue (tens of milliseconds at a million items) and
      // must not delay the next item, nor hold the store before it is loaded.
      bumpStats();
      update((state) => applyDecision(state, input.item, status, changes));
      fetchCounts().then(setCounts, () => undefined);
      if (next.status === "fulfilled") {
        setCurrent(next.value);
        setItemError(null);
      } else {
        setItemError(api.toAppError(next.reason));
      }
      setMode(BROWSE);
      showToast({ tone: "success", text: `${DONE[input.action]} ${input.item}` });
    },
    [items, queueRef, update, showToast, fetchCounts, current, bumpStats],
  );

  const reloadAfterConflict = useCallback(
    async (input: DecisionInput) => {
      items.forget(input.item);
      const [newCounts, reloaded] = await Promise.allSettled([fetchCounts(), items.load(input.item)]);
      if (newCounts.status === "fulfilled") setCounts(newCounts.value);
      if (reloaded.status === "fulfilled") setCurrent(reloaded.value);
      setMode(BROWSE);
      showToast({ tone: "error", text: `${input.item} changed since you loaded it. It has been reloaded: decide again.` });
    },
    [items, showToast, fetchCounts],
  );

  const submit = useCallback(
    async (input: DecisionInput & { action: DecidingAction }): Promise<void> => {
      // No render before the answer: a fast decision's whole result (next item, list, toast) is
      // painted in one frame. A slow one shows the bar as busy.
      busyRef.current = true;
      const showBusy = window.setTimeout(() => setBusy(true), BUSY_AFTER_MS);
      try {
        let failure: AppError | null = null;
        let decision: Decision | null = null;
        try {
          // In the Conflicts tab the reviewer adjudicates: their decision is final.
          decision = await (queueRef.current.filter === "conflict" ? api.adjudicate : api.decide)(input);
        } catch (thrown) {
          failure = api.toAppError(thrown);
        }
        if (failure === null) {
          await advanceAfter(input, decision);
        } else if (failure.code === "conflict") {
          await reloadAfterConflict(input);
        } else {
          // The editor or dialog stays open; Retry resends the same id, so it is recorded at most once.
          showToast({ tone: "error", text: failure.message, action: { label: "Retry", run: () => busyRef.current || void submit(input) } });
        }
      } finally {
        window.clearTimeout(showBusy);
        busyRef.current = false;
        setBusy(false);
      }
    },
    [advanceAfter, reloadAfterConflict, showToast],
  );

  const decideCurrent = (action: DecidingAction, details: { edited?: EditedContent; reason?: string; note?: string | null } = {}) => {
    if (!reviewable || busyRef.current) return;
    void submit({
      id: newDecisionId(),
      item: current.item.external_id,
      item_version: current.item.version,
      reviewer: session.reviewer,
      action,
      edited: details.edited ?? null,
      reason: details.reason ?? null,
      note: details.note ?? null,
    });
  };

  const saveEdit = () => {
    if (mode.kind !== "edit") return;
    const problem = draftProblem(mode.draft);
    if (problem !== null) return setMode({ ...mode, notice: problem });
    if (isUnchanged(mode.draft, mode.initial)) return setMode({ ...mode, notice: UNCHANGED_NOTICE });
    decideCurrent("edit", { edited: finishedDraft(mode.draft) });
  };

  const confirmSme = () => {
    if (mode.kind !== "sme" || mode.question.trim() === "") return;
    decideCurrent("needs_sme", { note: mode.question.trim() });
  };

  /** Undo or redo the reviewer's latest decision, then show the item it touched. */
  const revert = async (which: "undo" | "redo") => {
    busyRef.current = true;
    setBusy(true);
    dismissToast();
    try {
      const event = await (which === "undo" ? api.undo : api.redo)(newDecisionId());
      if (event === null) {
        showToast({ tone: "info", text: which === "undo" ? "Nothing of yours to undo." : "Nothing to redo." });
        return;
      }
      bumpStats();
      items.forget(event.item);
      const [newCounts, loaded] = await Promise.all([fetchCounts(), items.load(event.item)]);
      setCounts(newCounts);
      setCurrent(loaded);
      setItemError(null);
      paged.reload(event.item);
      showToast({ tone: "success", text: `${which === "undo" ? "Undid" : "Redid"} the decision on ${event.item}: it is ${STATUS_LABEL[loaded.item.status]} now` });
    } catch (thrown) {
      showError(api.toAppError(thrown).message);
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  };

  const confirmReviewer = () => {
    if (mode.kind !== "reviewer" || reviewerDraft.name.trim() === "") return;
    api.chooseReviewer(reviewerDraft.name.trim(), reviewerDraft.role).then(
      (info) => {
        items.clear();
        setSession(info);
        setMode(BROWSE);
        setCurrent(null);
        fetchCounts().then(setCounts, () => undefined);
        showToast({ tone: "success", text: `Reviewing as ${info.reviewer} (${info.role ?? "analyst"})` });
      },
      (thrown: unknown) => showError(api.toAppError(thrown).message),
    );
  };

  const confirmExport = () => {
    if (mode.kind !== "export") return;
    setMode(BROWSE);
    const request = exportRequest(exportDraft);
    jobs.start("export", (onEvent) => api.startExport(request, onEvent));
  };

  /** The queue as shown: the tab and the filter bar (what a vet run takes its items from). */
  const shownQueue = { ...criteria, ...tabScope(queue.filter, session?.reviewer ?? null) };

  const confirmLlmRun = () => {
    if (mode.kind !== "llm-run" || runProblem(llmDraft) !== null) return;
    setMode(BROWSE);
    const request = llmRunRequest(llmDraft, shownQueue);
    jobs.start(llmDraft.role, (onEvent) => api.startLlmRun(request, onEvent));
  };

  const confirmReject = () => {
    if (mode.kind !== "reject") return;
    const reason = reasons[mode.reasonIndex];
    if (reason === undefined) return;
    decideCurrent("reject", { reason: reason.id, note: mode.note.trim() || null });
  };

  /** Opens the dashboard from browsing (an open editor keeps its draft), or goes back to reviewing. */
  const toggleStats = () => {
    if (mode.kind === "stats") return setMode(BROWSE);
    if (mode.kind === "edit") return showToast({ tone: "info", text: "Save or cancel the edit first (Esc), then open the stats." });
    setMode({ kind: "stats" });
  };

  const run = (command: KeyCommand) => {
    if (busyRef.current) return;
    switch (command.type) {
      case "next":
      case "skip":
      case "previous": {
        // A prefetched item is shown together with the moved selection, in one frame.
        const delta = command.type === "previous" ? -1 : 1;
        const target = moveSelection(queueRef.current, delta).selectedId;
        const ready = target === null ? undefined : items.peek(target);
        update((state) => moveSelection(state, delta));
        if (ready !== undefined) showLoaded(ready);
        return;
      }
      case "undo":
      case "redo":
        return void revert(command.type);
      case "needs-sme":
        if (reviewable) setMode({ kind: "sme", question: "" });
        return;
      case "help":
        return setMode({ kind: "help" });
      case "stats":
        return toggleStats();
      case "filter":
        return focusFilterBar();
      case "search":
        return document.getElementById(SEARCH_INPUT_ID)?.focus();
      case "approve":
        return decideCurrent("approve");
      case "edit":
        if (reviewable) {
          const draft = initialDraft(current.item);
          setMode({ kind: "edit", draft, initial: draft, notice: null });
        }
        return;
      case "reject":
        if (reviewable && reasons.length > 0) setMode({ kind: "reject", reasonIndex: 0, note: "" });
        return;
      case "import":
        return jobs.start("import", api.startImport);
      case "export":
        return setMode({ kind: "export" });
      case "backup":
        return jobs.start("backup", api.startBackup);
      case "pack":
        return jobs.start("pack", api.startSyncPack);
      case "merge":
        return jobs.start("merge", api.startSyncMerge);
      case "reviewer":
        if (session !== null) askReviewer(session);
        return;
      case "guidelines":
        setGuidelinesOpen(true);
        return setGuidelinesFocus((n) => n + 1);
      case "products":
        return jobs.start("products", api.startRegisterProducts);
      case "providers":
        return setMode({ kind: "providers" });
      case "run-model":
        return setMode({ kind: "llm-run" });
      case "save":
        if (mode.kind === "export") return confirmExport();
        if (mode.kind === "llm-run") return confirmLlmRun();
        if (mode.kind === "providers") return;
        if (mode.kind === "reviewer") return confirmReviewer();
        return mode.kind === "sme" ? confirmSme() : saveEdit();
      case "confirm":
        return confirmReject();
      case "cancel":
        // At first start there is no reviewer to go back to.
        if (mode.kind === "reviewer" && session?.needs_profile === true) return;
        return setMode(BROWSE);
      case "pickReason":
        return setMode((m) => (m.kind === "reject" ? { ...m, reasonIndex: command.index } : m));
      case "moveReason":
        return setMode((m) =>
          m.kind === "reject"
            ? { ...m, reasonIndex: Math.min(Math.max(m.reasonIndex + command.delta, 0), reasons.length - 1) }
            : m,
        );
    }
  };

  useGlobalKeydown((event) => {
    const command = commandFor(mode.kind, keyPressFrom(event), reasons.length, keymap);
    if (command === null) return;
    event.preventDefault();
    run(command);
  });

  const showFilter = (filter: StatusFilter) => {
    if (filter === queue.filter) return;
    paged.showFilter(filter);
    setCurrent(null);
    setItemError(null);
    setMode(BROWSE);
  };

  const showCriteria = (next: Criteria) => {
    paged.showCriteria(next);
    setCurrent(null);
    setItemError(null);
    setMode(BROWSE);
  };

  /** Runs an annotation change and shows its result on the current item. */
  const annotate = (change: (externalId: string) => Promise<Partial<Item>>) => {
    if (current === null) return;
    const externalId = current.item.external_id;
    items.forget(externalId);
    change(externalId).then(
      (patch) => setCurrent((shown) => (shown?.item.external_id === externalId ? { ...shown, item: { ...shown.item, ...patch } } : shown)),
      (thrown: unknown) => showError(api.toAppError(thrown).message),
    );
  };

  const selectEntry = (externalId: string) => {
    if (busyRef.current) return;
    setMode(BROWSE);
    update((state) => select(state, externalId));
  };

  const retryItem = () => {
    if (selectedId !== null) items.forget(selectedId);
    setItemError(null);
    setCurrent(null);
    setReloadKey((key) => key + 1);
  };

  const main = (() => {
    if (startupError !== null) return <ErrorPanel title="Vetted could not start" error={startupError} />;
    if (itemError !== null) return <ErrorPanel title="This item could not be loaded" error={itemError} onRetry={retryItem} />;
    if (queueIsEmpty) return <EmptyQueue filter={queue.filter} counts={counts} />;
    if (current === null) return <div className="placeholder">Loading…</div>;
    return (
      <ItemView
        item={current.item}
        history={current.history}
        reasons={reasons}
        mode={mode}
        stale={current.item.external_id !== selectedId}
        onDraftChange={(draft) => setMode((m) => (m.kind === "edit" ? { ...m, draft, notice: null } : m))}
        onSave={saveEdit}
        onCancel={() => setMode(BROWSE)}
        onAddTag={(tag) => annotate(async (id) => ({ tags: await api.addTag(id, tag) }))}
        onRemoveTag={(tag) => annotate(async (id) => ({ tags: await api.removeTag(id, tag) }))}
        onDoNotTrain={(flag) => annotate(async (id) => (await api.setDoNotTrain(id, flag), { do_not_train: flag }))}
        guidelines={{
          guidelines: guidelines.guidelines,
          open: guidelinesOpen,
          focusRequest: guidelinesFocus,
          onToggle: () => setGuidelinesOpen((open) => !open),
          onAdd: guidelines.add,
          onUpdate: guidelines.update,
          onArchive: (id) => void guidelines.archive(id),
          onOpenItem: paged.reload,
        }}
        promoted={promoted}
        adjudicating={queue.filter === "conflict"}
        revision={backgroundRevision}
        onPromote={promote}
      />
    );
  })();

  return (
    <div className="app">
      <AppHeader session={session} keymap={keymap} statsShown={mode.kind === "stats"} onCommand={run} />
      {mode.kind === "stats" && (
        <StatsDashboard revision={statsRevision} toggleKey={keymap.stats[0] === undefined ? null : keyLabel(keymap.stats[0])} onClose={() => setMode(BROWSE)} />
      )}
      {/* Hidden, not unmounted, behind the dashboard: the queue keeps its scroll and selection. */}
      <div className="workspace" hidden={mode.kind === "stats"}>
        <aside className="sidebar">
          <SearchBox onOpen={paged.reload} />
          <FilterBar criteria={criteria} facets={facets} onChange={showCriteria} onFocus={refreshFacets} />
          <StatusTabs filter={queue.filter} counts={counts} onSelect={showFilter} />
          <QueueList
            entries={queue.entries}
            exhausted={queueIsEmpty}
            selectedId={selectedId}
            loading={paged.loading}
            error={paged.error}
            onSelect={selectEntry}
            onVisibleEnd={loadPastRow}
            onRetry={paged.retry}
          />
        </aside>
        <main className="main">
          {main}
          <DecisionBar
            canDecide={reviewable && mode.kind === "browse" && !busy}
            canMove={mode.kind === "browse" && !busy && queue.entries.length > 1}
            canUndo={mode.kind === "browse" && !busy}
            keymap={keymap}
            position={index >= 0 ? index + 1 : null}
            total={counts === null ? null : countFor(counts, queue.filter)}
            onCommand={run}
          />
        </main>
      </div>
      {mode.kind === "reject" && (
        <RejectDialog
          itemId={current?.item.external_id ?? ""}
          reasons={reasons}
          selected={mode.reasonIndex}
          note={mode.note}
          busy={busy}
          onPick={(reasonIndex) => setMode((m) => (m.kind === "reject" ? { ...m, reasonIndex } : m))}
          onNoteChange={(note) => setMode((m) => (m.kind === "reject" ? { ...m, note } : m))}
          onConfirm={confirmReject}
          onCancel={() => setMode(BROWSE)}
        />
      )}
      {mode.kind === "sme" && (
        <NeedsSmeDialog
          itemId={current?.item.external_id ?? ""}
          question={mode.question}
          busy={busy}
          onChange={(question) => setMode((m) => (m.kind === "sme" ? { ...m, question } : m))}
          onConfirm={confirmSme}
          onCancel={() => setMode(BROWSE)}
        />
      )}
      {mode.kind === "reviewer" && session !== null && (
        <ReviewerDialog
          draft={reviewerDraft}
          profiles={profiles}
          firstStart={session.needs_profile}
          busy={busy}
          onChange={setReviewerDraft}
          onConfirm={confirmReviewer}
          onCancel={() => !session.needs_profile && setMode(BROWSE)}
        />
      )}
      {mode.kind === "export" && (
        <ExportDialog draft={exportDraft} facets={facets} onChange={setExportDraft} onConfirm={confirmExport} onCancel={() => setMode(BROWSE)} />
      )}
      {mode.kind === "llm-run" && (
        <RunModelDialog
          draft={llmDraft}
          scope={describeQueue(shownQueue)}
          onChange={setLlmDraft}
          onConfirm={confirmLlmRun}
          onCancel={() => setMode(BROWSE)}
          onOpenProviders={() => setMode({ kind: "providers" })}
        />
      )}
      {mode.kind === "providers" && <ProvidersDialog onClose={() => setMode(BROWSE)} />}
      <JobsPanel jobs={jobs.jobs} onCancel={jobs.cancel} />
      {mode.kind === "help" && <CheatSheet keymap={keymap} onChange={changeKeymap} onClose={() => setMode(BROWSE)} />}
      {toast !== null && <Toast key={toast.serial} toast={toast} onDismiss={dismissToast} />}
    </div>
  );
}

