// The review screen: queue on the left, the selected item on the right, decisions by keyboard.
// It only composes: the review flow is useReviewSession (a decision is durable before the queue
// moves on, see reviewSteps.ts), keys go through the command table, dialogs are ModeDialogs.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import * as api from "./api";
import type { ItemKind } from "./bindings/ItemKind";
import type { QueueFacets } from "./bindings/QueueFacets";
import type { RecentDatabase } from "./bindings/RecentDatabase";
import { AppHeader } from "./components/AppHeader";
import { Kbd } from "./components/Badges";
import { CheatSheet } from "./components/CheatSheet";
import { DecisionBar } from "./components/DecisionBar";
import { EmptyQueue } from "./components/EmptyQueue";
import { ErrorPanel } from "./components/ErrorPanel";
import { FilterBar, focusFilterBar } from "./components/FilterBar";
import { GraphView } from "./components/graph/GraphView";
import { RuleApprovalDialog } from "./components/graph/RuleApprovalDialog";
import { ItemView } from "./components/ItemView";
import { JobsPanel } from "./components/JobsPanel";
import { ModeDialogs } from "./components/ModeDialogs";
import { QueueList } from "./components/QueueList";
import { SEARCH_INPUT_ID, SearchBox } from "./components/SearchBox";
import { StatusTabs } from "./components/StatusTabs";
import { StatsDashboard } from "./components/StatsDashboard";
import { DiscoverDialog } from "./components/DiscoverDialog";
import { TeamReviewersDialog } from "./components/TeamReviewersDialog";
import { Toast } from "./components/Toast";
import { claimCommands } from "./claimCommands";
import { candidateCount } from "./comparisonPicks";
import { commandFor, keyPressFrom, runCommand, type CommandTable, type KeyCommand } from "./keyboard";
import { keyLabel } from "./keymap";
import { BROWSE } from "./mode";
import { countFor, tabScope } from "./queue";
import { reasonMoved } from "./reviewSession";
import { type DataChange, useDataRevision } from "./useDataRevision";
import { EvidenceRevision } from "./evidenceRevision";
import { useGraphView } from "./useGraphView";
import { useGlobalKeydown } from "./useGlobalKeydown";
import { useGuidelinesPanel } from "./useGuidelinesPanel";
import { useJobDrafts } from "./useJobDrafts";
import { LOCAL, type RunPlace } from "./llmRun";
import { useJobs } from "./useJobs";
import { useKeymap } from "./useKeymap";
import { useReviewSession } from "./useReviewSession";
import { useRuleApproval } from "./useRuleApproval";
import { NO_SAVE } from "./useDialogSave";
import { useToast } from "./useToast";
import type { DatabaseActions } from "./useWindow";
import { NO_CRITERIA } from "./usePagedQueue";

/** Why the redact key changed nothing, by the kind of the item shown. */
const NOTHING_REDACTED: Record<ItemKind, string> = {
  answer: "Nothing to redact: the privacy screen finds no personal data or secrets in this answer.",
  relationship: "Only an answer can be redacted. To keep a relationship's sample rows out of training, tick “Do not train”.",
  comparison: "Only an answer can be redacted. In a comparison, edit a candidate (E): the editor offers to replace the personal data it holds with placeholders.",
};

const TEAM_SERVER_REVIEWER = "On a team server you review as your login. To review as someone else, sign in again with File → Connect to team server….";
/** On a team server, the Pending tab claims again when this few of its leased items are left. */
const REFILL_AT = 3;

interface AppProps {
  /** A team server is open (not a local file): changes are announced by the server. */
  teamServer: boolean;
  /** For the File menu: the recent databases and what it can do with them. */
  recent: readonly RecentDatabase[];
  databases: DatabaseActions;
  onAbout: () => void;
}

/** The review screen of the open database (Root mounts one per database opened). */
export function App({ teamServer, recent, databases, onAbout }: AppProps) {
  const { toast, showToast, dismissToast } = useToast();
  const showError = useCallback((text: string) => showToast({ tone: "error", text }), [showToast]);
  const { keymap, changeKeymap } = useKeymap(showError);
  const review = useReviewSession(showToast, dismissToast);
  // The prompts and review form dialogs' save, for the save key wherever the focus is.
  const dialogSave = useRef(NO_SAVE);
  const { mode, setMode, current, queue, paged, busy } = review;
  const [facets, setFacets] = useState<QueueFacets | null>(null);
  const refreshFacets = useCallback(() => {
    api.queueFacets().then(setFacets, (thrown: unknown) => showError(`Filter choices could not be loaded: ${api.toCallError(thrown).message}`));
  }, [showError]);
  useEffect(refreshFacets, [refreshFacets]);
  const graph = useGraphView();
  /** The item on screen was opened from the graph: Esc goes back there. */
  const [fromGraph, setFromGraph] = useState(false);
  const [evidenceRevision, setEvidenceRevision] = useState(0);
  /** File ▸ Team reviewers… is open (a team server only). */
  const [teamReviewersShown, setTeamReviewersShown] = useState(false);
  const showTeamReviewers = useCallback(() => setTeamReviewersShown(true), []);
  /** Discover relationships asks the team server's owner for reviewers per new candidate. */
  const [discoverShown, setDiscoverShown] = useState(false);
  const openGraph = () => {
    setFromGraph(false);
    setMode({ kind: "graph" });
    graph.open();
  };
  const openFromGraph = (externalId: string) => {
    setMode(BROWSE);
    setFromGraph(true);
    paged.reload(externalId);
  };
  /** The graph, or approve-by-rule over it, is shown. */
  const graphShown = mode.kind === "graph" || mode.kind === "rule";
  const openRule = () => {
    ruleApproval.reset();
    setMode({ kind: "rule" });
  };
  /** Back to the graph; a check still running is cancelled. */
  const closeRule = () => {
    ruleApproval.stop();
    setMode({ kind: "graph" });
  };
  const ruleApproval = useRuleApproval((count, rule) => {
    setMode({ kind: "graph" });
    graph.reload();
    review.refreshAfterImport();
    review.refreshShownItem();
    const undoKey = keymap.undo[0] === undefined ? "Undo" : keyLabel(keymap.undo[0]);
    showToast({ tone: "success", text: `Approved ${count} candidate${count === 1 ? "" : "s"} by the rule ${rule}. ${undoKey} takes ${count === 1 ? "it" : "them all"} back.` });
  });
  /** After an undo or redo, the graph shows what it changed (a bulk approval taken back). */
  const revert = (which: "undo" | "redo") => {
    void review.revert(which).then(() => {
      if (graphShown) graph.reload();
    });
  };
  /** Registered here: the evidence shown and the graph read the products again. */
  const productsChanged = () => {
    setEvidenceRevision((r) => r + 1);
    if (graphShown) graph.reload();
  };
  const dataChanged = () => {
    review.refreshAfterImport();
    refreshFacets();
    if (graphShown) graph.reload();
  };
  // On a team server the others' work changes the counts (and the dashboard or the graph, when
  // shown, the guidelines of the shown domain, the tags and mark of the shown item), never the items
  // leased to this reviewer. A Pending tab run low claims again then: others' skips, expired
  // leases, new imports.
  const teamChanged = (change: DataChange) => {
    void review.refreshCounts();
    if (mode.kind === "stats") review.refreshStats();
    if (graphShown) graph.reload();
    const domain = current?.item.domain;
    if (domain !== undefined && change.guidelines.has(domain)) guidelines.reload();
    if (domain !== undefined && change.forms.has(domain)) review.formsChanged();
    if (change.annotated.size > 0) review.itemsChanged(change.annotated);
    if (change.products) setEvidenceRevision((r) => r + 1);
    if (queue.filter === "pending" && queue.entries.length <= REFILL_AT) paged.reload(review.selectedId);
  };
  useDataRevision(teamServer ? teamChanged : dataChanged, teamServer, showError);
  const jobs = useJobs((outcome) => {
    showToast({ tone: outcome.tone, text: outcome.text });
    if (outcome.refreshQueue) {
      dataChanged();
      review.refreshShownItem();
    }
    if (outcome.refreshEvidence === true) productsChanged();
  });
  // On a team server the Pending tab is the batch leased to this reviewer: running low claims more.
  const remaining = queue.entries.length;
  const before = useRef(remaining);
  useEffect(() => {
    const shrank = remaining < before.current;
    before.current = remaining;
    if (teamServer && queue.filter === "pending" && shrank && remaining <= REFILL_AT) paged.reload(review.selectedId);
    // Only a shrinking list claims: a refill that brings nothing new does not loop.
  }, [remaining]);
  const runPlace: RunPlace = teamServer ? { teamServer, role: review.session?.role ?? null, addsItems: review.session?.adds_items ?? false } : LOCAL;
  /** Discovers relationship candidates, each new one for `reviews` reviewers on a team server (null: one). */
  const discover = (reviews: number | null) => jobs.start("discover", (onEvent) => api.startDiscoverRelationships(reviews, onEvent));
  const drafts = useJobDrafts(mode, setMode, jobs.start, { ...paged.criteria, ...tabScope(queue.filter, review.session?.reviewer ?? null) }, runPlace);
  const guidelines = useGuidelinesPanel(current?.item.domain ?? null, showToast, showError, paged.reload);

  const giveBack = () => {
    const id = review.selectedId;
    if (id === null) return;
    api.releaseItem(id).then(
      () => {
        review.drop(id);
        showToast({ tone: "info", text: `Skipped ${id}: given back to the team for another reviewer` });
      },
      (thrown: unknown) => showError(`${id} could not be given back: ${api.toCallError(thrown).message}`),
    );
  };
  const commands: CommandTable = {
    next: () => review.move(1),
    // On a team server a skip gives the item back, so another reviewer can take it.
    skip: () => (teamServer ? giveBack() : review.move(1)),
    previous: () => review.move(-1),
    undo: () => revert("undo"),
    redo: () => revert("redo"),
    approve: review.approve,
    tie: () => review.pick("tie"),
    pickBest: ({ candidate }) => review.pick(candidate),
    ...claimCommands(review, showToast),
    edit: review.startEdit,
    editCandidate: ({ candidate }) => review.editCandidate(candidate),
    reject: review.startReject,
    "needs-sme": review.startSme,
    formDigit: ({ digit }) => review.formDigit(digit),
    formMove: ({ delta }) => review.formMove(delta),
    redact: () => {
      const replaced = review.redact();
      // null: refused, and already said why (or another dialog has the keys).
      if (replaced !== 0) return;
      const kind = review.current?.item.body.kind ?? "answer";
      showToast({ tone: "info", text: NOTHING_REDACTED[kind] });
    },
    // The dashboard opens from browsing (an open editor keeps its draft) and closes back to it.
    stats: () => {
      if (mode.kind === "stats") setMode(BROWSE);
      else if (mode.kind === "edit") showToast({ tone: "info", text: "Save or cancel the edit first (Esc), then open the stats." });
      else setMode({ kind: "stats" });
    },
    // The graph, like the dashboard, opens from browsing and closes back to it.
    graph: () => {
      if (mode.kind === "graph") setMode(BROWSE);
      else if (mode.kind === "edit") showToast({ tone: "info", text: "Save or cancel the edit first (Esc), then open the graph." });
      else openGraph();
    },
    graphKey: ({ key }) => {
      const outcome = graph.handle(key);
      if (outcome === "close") setMode(BROWSE);
      else if (outcome === "rule") openRule();
      else if (outcome !== null) openFromGraph(outcome.open);
    },
    help: () => setMode({ kind: "help" }),
    filter: focusFilterBar,
    search: () => document.getElementById(SEARCH_INPUT_ID)?.focus(),
    import: () => jobs.start("import", api.startImport),
    export: () => setMode({ kind: "export" }),
    backup: () => jobs.start("backup", api.startBackup),
    pack: () => jobs.start("pack", api.startSyncPack),
    merge: () => jobs.start("merge", api.startSyncMerge),
    products: () => jobs.start("products", api.startRegisterProducts),
    discover: () => {
      if (runPlace.teamServer && runPlace.addsItems) setDiscoverShown(true);
      else discover(null);
    },
    reviewer: teamServer ? () => showToast({ tone: "info", text: TEAM_SERVER_REVIEWER }) : review.askReviewer,
    guidelines: guidelines.focus,
    providers: () => setMode({ kind: "providers" }),
    prompts: () => setMode({ kind: "prompts" }),
    forms: () => setMode({ kind: "forms" }),
    "run-model": () => setMode({ kind: "llm-run" }),
    save: () => {
      if (mode.kind === "rule") ruleApproval.submit(graph.filter.domain);
      else if (mode.kind === "export") drafts.exportDialog.onConfirm();
      else if (mode.kind === "llm-run") drafts.llmRunDialog.onConfirm();
      else if (mode.kind === "reviewer") review.reviewerChoice.confirm();
      else if (mode.kind === "sme") review.confirmSme();
      else if (mode.kind === "prompts" || mode.kind === "forms") dialogSave.current();
      else if (mode.kind !== "providers") review.saveEdit();
    },
    confirm: () => {
      if (mode.kind === "confirm-approve") review.confirmApprove();
      else review.confirmReject();
    },
    cancel: () => {
      if (mode.kind === "rule") closeRule();
      else if (mode.kind === "browse" && fromGraph) openGraph();
      else review.cancel();
    },
    pickReason: ({ index }) => setMode((m) => (m.kind === "reject" ? { ...m, reasonIndex: index } : m)),
    moveReason: ({ delta }) => setMode(reasonMoved(delta, review.reasons.length)),
  };
  /** Keys and buttons wait for a decision or revert in flight: they do nothing meanwhile. */
  const run = (command: KeyCommand) => {
    if (!review.pending()) runCommand(commands, command);
  };
  // The header and the decision bar get `run` with one identity, so they skip the renders of a
  // keypress (they are memoized); it calls the latest `run`.
  const latestRun = useRef(run);
  useLayoutEffect(() => {
    latestRun.current = run;
  });
  const onCommand = useCallback((command: KeyCommand) => latestRun.current(command), []);
  const onRedact = useCallback(() => onCommand({ type: "redact" }), [onCommand]);
  const { setConfirmApprove } = review.claims;
  const onConfirmApprove = useCallback((on: boolean) => void setConfirmApprove(on), [setConfirmApprove]);
  useGlobalKeydown((event) => {
    // A dialog outside the modes takes its own keys; with focus anywhere else while it is open
    // (its text clicked), the review keys must not act on the item under it.
    if (teamReviewersShown || discoverShown) return;
    const command = commandFor(mode.kind, keyPressFrom(event), review.reasons.length, keymap, {
      formQuestions: review.form.form?.questions.length ?? 0,
      checkingClaims: review.claims.draft.active,
      candidates: candidateCount(current?.item),
    });
    if (command === null) return;
    event.preventDefault();
    run(command);
  });

  const browsing = mode.kind === "browse" && !busy;
  const canDecide = review.reviewable && browsing;
  const main = (() => {
    if (review.startupError !== null) return <ErrorPanel title="Vetted could not start" error={review.startupError} />;
    if (review.itemError !== null) return <ErrorPanel title="This item could not be loaded" error={review.itemError} onRetry={review.retryItem} />;
    if (review.queueIsEmpty) return <EmptyQueue filter={queue.filter} counts={review.counts} />;
    if (current === null) return <div className="placeholder">Loading…</div>;
    return (
      <ItemView
        item={current.item}
        history={current.history}
        reasons={review.reasons}
        mode={mode}
        stale={current.item.external_id !== review.selectedId}
        onDraftChange={(draft) => setMode((m) => (m.kind === "edit" ? { ...m, draft, notice: null } : m))}
        onSave={review.saveEdit}
        onCancel={() => setMode(BROWSE)}
        onAddTag={(tag) => review.annotate(async (id) => ({ tags: await api.addTag(id, tag) }))}
        onRemoveTag={(tag) => review.annotate(async (id) => ({ tags: await api.removeTag(id, tag) }))}
        onDoNotTrain={(flag) => review.annotate(async (id) => (await api.setDoNotTrain(id, flag), { do_not_train: flag }))}
        reviewForm={
          review.form.form === null ? null : { form: review.form.form, answers: review.form.answers, onAnswer: review.formAnswer, onFocus: review.formFocus }
        }
        redactKey={keymap.redact[0] === undefined ? null : keyLabel(keymap.redact[0])}
        onRedact={onRedact}
        claims={review.claims.draft}
        onClaimsChange={review.claims.update}
        claimsKey={keymap.claims[0] === undefined ? null : keyLabel(keymap.claims[0])}
        confirmApprove={review.claims.confirmApprove}
        onConfirmApprove={onConfirmApprove}
        guidelines={guidelines.panel}
        promoted={guidelines.promoted}
        adjudicating={queue.filter === "conflict"}
        revision={review.backgroundRevision}
        onPromote={guidelines.onPromote}
        canDecide={canDecide}
        tieKey={keymap.tie[0] === undefined ? null : keyLabel(keymap.tie[0])}
        onCommand={onCommand}
      />
    );
  })();

  const app = (
    <div className="app">
      <AppHeader
        session={review.session}
        keymap={keymap}
        statsShown={mode.kind === "stats"}
        graphShown={graphShown}
        onCommand={onCommand}
        recent={recent}
        databases={databases}
        onAbout={onAbout}
        onTeamReviewers={showTeamReviewers}
      />
      {mode.kind === "stats" && (
        <StatsDashboard
          revision={review.statsRevision}
          toggleKey={keymap.stats[0] === undefined ? null : keyLabel(keymap.stats[0])}
          onClose={() => setMode(BROWSE)}
          onShowConfident={(domain, confident) => {
            // What the suggestion counted (pending items of the domain the model passed), as the
            // Pending tab shows them: those still awaiting this reviewer.
            review.showList("pending", { ...NO_CRITERIA, sort: paged.criteria.sort, domain, vetter_confident: confident });
            setMode(BROWSE);
          }}
        />
      )}
      {graphShown && (
        <GraphView
          view={graph}
          toggleKey={keymap.graph[0] === undefined ? null : keyLabel(keymap.graph[0])}
          onOpen={openFromGraph}
          onRule={openRule}
          onClose={() => setMode(BROWSE)}
        />
      )}
      {mode.kind === "rule" && <RuleApprovalDialog approval={ruleApproval} domain={graph.filter.domain} onCancel={closeRule} />}
      {/* Hidden, not unmounted, behind the dashboard and the graph: the queue keeps its scroll and selection. */}
      <div className="workspace" hidden={mode.kind === "stats" || graphShown}>
        <aside className="sidebar">
          <SearchBox onOpen={paged.reload} />
          <FilterBar criteria={paged.criteria} facets={facets} onChange={review.showCriteria} onFocus={refreshFacets} />
          <StatusTabs filter={queue.filter} counts={review.counts} onSelect={review.showFilter} />
          <QueueList
            entries={queue.entries}
            exhausted={review.queueIsEmpty}
            selectedId={review.selectedId}
            loading={paged.loading}
            error={paged.error}
            onSelect={review.selectEntry}
            onVisibleEnd={review.loadPastRow}
            onRetry={paged.retry}
          />
        </aside>
        <main className="main">
          {fromGraph && mode.kind === "browse" && (
            <button type="button" className="button button-small graph-return" data-testid="graph-return" onClick={openGraph}>
              ← Back to the graph <Kbd>Esc</Kbd>
            </button>
          )}
          {main}
          <DecisionBar
            canDecide={canDecide}
            canMove={browsing && queue.entries.length > 1}
            canUndo={browsing}
            keymap={keymap}
            position={review.index >= 0 ? review.index + 1 : null}
            total={review.counts === null ? null : countFor(review.counts, queue.filter)}
            onCommand={onCommand}
          />
        </main>
      </div>
      <ModeDialogs review={review} facets={facets} dialogSave={dialogSave} runPlace={runPlace} approveKey={keymap.approve[0] === undefined ? null : keyLabel(keymap.approve[0])} {...drafts} />
      <JobsPanel jobs={jobs.jobs} onCancel={jobs.cancel} />
      {mode.kind === "help" && <CheatSheet keymap={keymap} onChange={changeKeymap} onClose={() => setMode(BROWSE)} />}
      {teamReviewersShown && <TeamReviewersDialog onClose={() => setTeamReviewersShown(false)} />}
      {discoverShown && (
        <DiscoverDialog
          onStart={(reviews) => {
            setDiscoverShown(false);
            discover(reviews);
          }}
          onClose={() => setDiscoverShown(false)}
        />
      )}
      {toast !== null && <Toast key={toast.serial} toast={toast} onDismiss={dismissToast} />}
    </div>
  );
  return <EvidenceRevision.Provider value={evidenceRevision}>{app}</EvidenceRevision.Provider>;
}
