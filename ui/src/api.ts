// The only module that talks to the Tauri shell: one typed function per command. Every failure
// is rethrown as a CallError {code, message}, whatever shape it arrived in.
import { Channel, invoke, type InvokeArgs } from "@tauri-apps/api/core";
import type { AboutInfo } from "./bindings/AboutInfo";
import type { AdjudicationCase } from "./bindings/AdjudicationCase";
import type { AlignmentSummary } from "./bindings/AlignmentSummary";
import type { AutoApproveSuggestion } from "./bindings/AutoApproveSuggestion";
import type { ClaimSettings } from "./bindings/ClaimSettings";
import type { AppError } from "./bindings/AppError";
import type { CostTotals } from "./bindings/CostTotals";
import type { Decision } from "./bindings/Decision";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { DecisionDraft } from "./bindings/DecisionDraft";
import type { ExportRequest } from "./bindings/ExportRequest";
import type { Guideline } from "./bindings/Guideline";
import type { Item } from "./bindings/Item";
import type { JobEvent } from "./bindings/JobEvent";
import type { KeyBinding } from "./bindings/KeyBinding";
import type { LiveEvent } from "./bindings/LiveEvent";
import type { LlmRunRequest } from "./bindings/LlmRunRequest";
import type { ProductSummary } from "./bindings/ProductSummary";
import type { PromptRevision } from "./bindings/PromptRevision";
import type { PromptTemplate } from "./bindings/PromptTemplate";
import type { PromptVariant } from "./bindings/PromptVariant";
import type { PromptView } from "./bindings/PromptView";
import type { ProviderConfig } from "./bindings/ProviderConfig";
import type { ProvidersView } from "./bindings/ProvidersView";
import type { QueueCursor } from "./bindings/QueueCursor";
import type { QueueFacets } from "./bindings/QueueFacets";
import type { QueueFilter } from "./bindings/QueueFilter";
import type { QueuePage } from "./bindings/QueuePage";
import type { RejectReason } from "./bindings/RejectReason";
import type { RemovedReviewer } from "./bindings/RemovedReviewer";
import type { ReviewerProfile } from "./bindings/ReviewerProfile";
import type { Role } from "./bindings/Role";
import type { RelationshipEvidence } from "./bindings/RelationshipEvidence";
import type { ReviewForm } from "./bindings/ReviewForm";
import type { ReviewFormDraft } from "./bindings/ReviewFormDraft";
import type { ReviewGraph } from "./bindings/ReviewGraph";
import type { Reverted } from "./bindings/Reverted";
import type { RulePlan } from "./bindings/RulePlan";
import type { SearchResults } from "./bindings/SearchResults";
import type { ServerAddress } from "./bindings/ServerAddress";
import type { SessionInfo } from "./bindings/SessionInfo";
import type { Stats } from "./bindings/Stats";
import type { StatusCounts } from "./bindings/StatusCounts";
import type { TeamReviewers } from "./bindings/TeamReviewers";
import type { TeamSignIn } from "./bindings/TeamSignIn";
import type { WindowState } from "./bindings/WindowState";

/**
 * What every function here rejects with: the core's AppError, or a failure of the IPC layer
 * itself ("ipc": an unknown command, arguments that do not deserialize) or of something else
 * ("unknown"). Branch on `code`; a misspelt code fails to type-check.
 */
export type CallError = AppError | { code: "ipc" | "unknown"; message: string };

/** Normalizes anything thrown (an IPC error object, an Error, a string) into a CallError. */
export function toCallError(thrown: unknown): CallError {
  if (typeof thrown === "object" && thrown !== null) {
    const { code, message } = thrown as { code?: unknown; message?: unknown };
    // Only the core's Error serializes as {code, message}, and its code is an ErrorCode.
    if (typeof code === "string" && typeof message === "string") return { code: code as ErrorCode, message };
    if (typeof message === "string") return { code: "ipc", message };
  }
  if (typeof thrown === "string") return { code: "ipc", message: thrown };
  return { code: "unknown", message: String(thrown) };
}

async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (thrown) {
    throw toCallError(thrown);
  }
}

/** The open database (null: the welcome screen), why the last open failed, the recent list. */
export const windowState = (): Promise<WindowState> => call("window_state");

// Opening and switching databases. Each resolves to the new window state; a database that could
// not be opened is in its `failure` (the current one, if any, stays open). A cancelled dialog
// changes nothing. The shell shows the dialogs: the webview never names a path, except one it was
// given by the recent list.

export const openDatabase = (): Promise<WindowState> => call("open_database");

export const newDatabase = (): Promise<WindowState> => call("new_database");

/** Opens the demo database, created from the bundled demo items on first use. */
export const openDemo = (): Promise<WindowState> => call("open_demo");

export const openRecent = (path: string): Promise<WindowState> => call("open_recent", { path });

/** Takes a database off the recent list (the file stays). */
export const forgetRecent = (path: string): Promise<WindowState> => call("forget_recent", { path });

/** Closes the open database: back to the welcome screen. */
export const closeDatabase = (): Promise<WindowState> => call("close_database");

/**
 * Signs in to a team server in place of what is open; a password typed is kept in the OS
 * keyring once the server took it (null: the one already kept there). Rejects with the
 * server's reason, and what is open stays.
 */
export const connectTeamServer = (address: ServerAddress, password: string | null): Promise<TeamSignIn> =>
  call("connect_team_server", { address, password });

/** Gives an item leased on the team server back (a skip); false when it was not held. */
export const releaseItem = (externalId: string): Promise<boolean> => call("release_item", { externalId });

/** Who may sign in to the open team server's database, and whether this login may change that. */
export const teamReviewers = (): Promise<TeamReviewers> => call("team_reviewers");

/**
 * Lets `login` sign in to the open team server's database as `role`, creating the login with
 * `password` (null: none set; the login has one already, or signs in otherwise). Only the
 * database's owner may; resolves to the new list.
 */
export const addTeamReviewer = (login: string, role: Role, password: string | null): Promise<TeamReviewers> =>
  call("add_team_reviewer", { login, role, password });

/** Takes the open team server's database from `login` (only its owner may): what that did. */
export const removeTeamReviewer = (login: string): Promise<RemovedReviewer> => call("remove_team_reviewer", { login });

/** Asks for the team server's CA certificate file; null when the user cancelled. */
export const chooseCaFile = (): Promise<string | null> => call("choose_ca_file");

/**
 * Calls `onEvent` whenever anyone changes the open team server (the server announces it; no
 * polling), and once if following stops.
 */
export const watchTeamServer = (onEvent: (event: LiveEvent) => void): Promise<void> => {
  const channel = new Channel<LiveEvent>();
  channel.onmessage = onEvent;
  return call("watch_team_server", { onEvent: channel });
};

/** Version, database and schema, data and config folders, bundled data licenses. */
export const about = (): Promise<AboutInfo> => call("about");

export const sessionInfo = (): Promise<SessionInfo> => call("session_info");

export const queuePage = (filter: QueueFilter, after: QueueCursor | null, limit: number): Promise<QueuePage> =>
  call("queue_page", { filter, after, limit });

/** Counts per status among the items matching the filter's other fields. */
export const statusCounts = (filter: QueueFilter): Promise<StatusCounts> => call("status_counts", { filter });

export const queueFacets = (): Promise<QueueFacets> => call("queue_facets");

export const getItem = (externalId: string): Promise<Item> => call("get_item", { externalId });
export const reviewForm = (domain: string): Promise<ReviewForm | null> => call("review_form", { domain });
export const reviewFormDraft = (domain: string): Promise<ReviewFormDraft> => call("review_form_draft", { domain });
/** Puts the form written in `text` (TOML) in force in `domain` as a new version; null stops asking one. */
export const saveReviewForm = (domain: string, text: string | null): Promise<ReviewForm> => call("save_review_form", { domain, text });
export const claimSettings = (domain: string): Promise<ClaimSettings> => call("claim_settings", { domain });
export const setClaimSettings = (domain: string, settings: ClaimSettings): Promise<ClaimSettings> => call("set_claim_settings", { domain, settings });

export const itemHistory = (externalId: string): Promise<Decision[]> => call("item_history", { externalId });

/**
 * Records the session reviewer's decision (the shell names the reviewer, never the webview).
 * Resolves once it is durably written; a repeated `draft.id` is recorded only once.
 */
export const decide = (draft: DecisionDraft): Promise<Decision> => call("decide", { draft });

/** Reverts the session reviewer's latest step (a bulk approval as a whole); null when there is nothing to undo. */
export const undo = (id: string): Promise<Reverted | null> => call("undo", { id });

/** Reinstates the session reviewer's latest undone step; null when there is nothing to redo. */
export const redo = (id: string): Promise<Reverted | null> => call("redo", { id });

/**
 * Starts checking which relationship candidates waiting for the session reviewer (of `domain`, if
 * given) meet `rule` (e.g. "containment>=100%, target-key"), as a job: progress counts candidates
 * checked, then one outcome. Once it has finished, `shownRulePlan` gives the plan, which the shell
 * keeps for `approveByRule`. A rule that does not parse is refused at once.
 */
export const startRuleCheck = (rule: string, domain: string | null, onEvent: (event: JobEvent) => void): Promise<number> =>
  startJob<number>("start_rule_check", { rule, domain }, onEvent);

/** The plan of the latest finished check (null if there is none for this reviewer and database). */
export const shownRulePlan = (): Promise<RulePlan | null> => call("shown_rule_plan");

/** Approves what the last plan for `rule` listed, as one undoable step; resolves to how many were approved. */
export const approveByRule = (id: string, rule: string): Promise<number> => call("approve_by_rule", { id, rule });

export const rejectReasons = (): Promise<RejectReason[]> => call("reject_reasons");

/** Figures computed from the data (containment, orphans, keys, cardinality); null for answers. */
export const relationshipEvidence = (externalId: string): Promise<RelationshipEvidence | null> =>
  call("relationship_evidence", { externalId });

/** Every data product and relationship item, with status, current relation and conflicts (the graph view). */
export const reviewGraph = (): Promise<ReviewGraph> => call("review_graph");

export const addTag = (externalId: string, tag: string): Promise<string[]> => call("add_tag", { externalId, tag });

export const removeTag = (externalId: string, tag: string): Promise<string[]> => call("remove_tag", { externalId, tag });

export const setDoNotTrain = (externalId: string, flag: boolean): Promise<void> => call("set_do_not_train", { externalId, flag });

export const getKeymap = (): Promise<KeyBinding[]> => call("get_keymap");

export const setKeymap = (overrides: KeyBinding[]): Promise<void> => call("set_keymap", { overrides });

/** Full-text search; the query is matched literally (FTS syntax in it is not interpreted). Hits come
 * best match first, or newest first when every word is too common to rank by (`order` says which). */
export const searchItems = (query: string, limit: number): Promise<SearchResults> => call("search_items", { query, limit });

/**
 * Starts a background job after the native file dialog the shell shows; `onEvent` receives its
 * progress and then exactly one outcome. Resolves to the job id, or null when the user closed the
 * dialog without choosing a file. The webview never sees or sends a path.
 */
function startJob<Id = number | null>(command: string, args: InvokeArgs, onEvent: (event: JobEvent) => void): Promise<Id> {
  const channel = new Channel<JobEvent>();
  channel.onmessage = onEvent;
  return call(command, { ...(args as Record<string, unknown>), onEvent: channel });
}

export const startImport = (onEvent: (event: JobEvent) => void): Promise<number | null> => startJob("start_import", {}, onEvent);

export const startExport = (request: ExportRequest, onEvent: (event: JobEvent) => void): Promise<number | null> =>
  startJob("start_export", { request }, onEvent);

export const startRegisterProducts = (onEvent: (event: JobEvent) => void): Promise<number | null> =>
  startJob("start_register_products", {}, onEvent);

/**
 * Proposes relationship candidates among the registered data products (no model) and queues them;
 * on a team server each new one goes to `reviews` distinct reviewers (null: one; a local database
 * takes none, its overlap is configured).
 */
export const startDiscoverRelationships = (reviews: number | null, onEvent: (event: JobEvent) => void): Promise<number | null> =>
  startJob("start_discover_relationships", { reviews }, onEvent);

export const startBackup = (onEvent: (event: JobEvent) => void): Promise<number | null> => startJob("start_backup", {}, onEvent);

/** Asks a running job to stop; false when it had already finished. */
export const cancelJob = (id: number): Promise<boolean> => call("cancel_job", { id });

/** Grows whenever an import completes (in this app or from the CLI). */
export const dataRevision = (): Promise<number> => call("data_revision");

/** The domain's review guidelines (markdown), oldest first. */
export const guidelines = (domain: string): Promise<Guideline[]> => call("guidelines", { domain });

export const addGuideline = (domain: string, body: string): Promise<Guideline> => call("add_guideline", { domain, body });

/** Turns a decision's note into a guideline of its item's domain, linked back to the item; idempotent. */
export const promoteNote = (decisionId: string): Promise<Guideline> => call("promote_note", { decisionId });

export const updateGuideline = (id: number, body: string): Promise<Guideline> => call("update_guideline", { id, body });

export const archiveGuideline = (id: number): Promise<void> => call("archive_guideline", { id });

export const reviewers = (): Promise<ReviewerProfile[]> => call("reviewers");

/** Switches who is reviewing (creating or updating their profile); the next start opens as them. */
export const chooseReviewer = (name: string, role: Role): Promise<SessionInfo> => call("choose_reviewer", { name, role });

/** The disagreeing reviews of an item, side by side. */
export const adjudicationCase = (externalId: string): Promise<AdjudicationCase> => call("adjudication_case", { externalId });

/** The adjudicator's final decision; refused unless the session reviewer is an adjudicator. */
export const adjudicate = (draft: DecisionDraft): Promise<Decision> => call("adjudicate", { draft });

/** Packs this database's decisions into a sync bundle (the shell asks where to save it). */
export const startSyncPack = (onEvent: (event: JobEvent) => void): Promise<number | null> => startJob("start_sync_pack", {}, onEvent);

/** Merges a sync bundle from another laptop (the shell asks which); conflicts go to adjudication. */
export const startSyncMerge = (onEvent: (event: JobEvent) => void): Promise<number | null> => startJob("start_sync_merge", {}, onEvent);

/** Every figure of the stats dashboard, computed by the core in one go. */
export const stats = (): Promise<Stats> => call("stats");

/** Stored alignment runs of the vetting model, newest first, with each prompt variant's figures. */
export const alignmentRuns = (): Promise<AlignmentSummary[]> => call("alignment_runs");

/** The vetting score above which a run's variant (null: its best by κ) passed what reviewers approved at `precision`; writes nothing. */
export const autoApproveSuggestion = (alignmentId: number, variant: PromptVariant | null, precision: number): Promise<AutoApproveSuggestion> =>
  call("auto_approve_suggestion", { alignmentId, variant, precision });

/** A domain's prompt template: the text in force, the built-in one and every revision. */
export const promptTemplate = (domain: string, template: PromptTemplate): Promise<PromptView> => call("prompt_template", { domain, template });

/** Puts `text` in force as the domain's template (a new revision by the session reviewer); null: back to the built-in one. */
export const savePromptTemplate = (domain: string, template: PromptTemplate, text: string | null): Promise<PromptRevision> =>
  call("save_prompt_template", { domain, template, text });

/** The settings file's LLM providers, each with where its key comes from (never the key). */
export const llmProviders = (): Promise<ProvidersView> => call("llm_providers");

/** Adds or changes a provider in the settings file. */
export const saveProvider = (name: string, config: ProviderConfig): Promise<void> => call("save_provider", { name, config });

/** Removes a provider from the settings file and its key from the OS keyring. */
export const removeProvider = (name: string): Promise<void> => call("remove_provider", { name });

/** Hands a key to the OS keyring. It is never sent back: `llmProviders` only says "in the keyring". */
export const setProviderKey = (name: string, key: string): Promise<void> => call("set_provider_key", { name, key });

/** Removes a provider's key from the OS keyring; false when there was none. */
export const forgetProviderKey = (name: string): Promise<boolean> => call("forget_provider_key", { name });

/**
 * Runs vet, relate or generate in the background (generate first asks for the questions file).
 * `reviews`: on a team server, how many distinct reviewers each item the run adds goes to; null
 * elsewhere (a local database uses its configured overlap).
 */
export const startLlmRun = (request: LlmRunRequest, reviews: number | null, onEvent: (event: JobEvent) => void): Promise<number | null> =>
  startJob("start_llm_run", { request, reviews }, onEvent);

/** Calls, tokens and cost of the LLM calls about one item. */
export const itemCosts = (externalId: string): Promise<CostTotals> => call("item_costs", { externalId });

/** The registered data products (for relate). */
export const dataProducts = (): Promise<ProductSummary[]> => call("data_products");
