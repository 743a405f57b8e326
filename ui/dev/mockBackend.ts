// An in-memory stand-in for the Tauri commands, for working on the UI in a plain browser.
// It mirrors the shell's contract (camelCase args, keyset paging, version conflicts, idempotent
// decision ids, {code, message} errors) closely enough to click through a review session.
import type { AppError } from "../src/bindings/AppError";
import type { AutoApproveSuggestion } from "../src/bindings/AutoApproveSuggestion";
import type { ClaimSettings } from "../src/bindings/ClaimSettings";
import type { PromptRevision } from "../src/bindings/PromptRevision";
import type { PromptTemplate } from "../src/bindings/PromptTemplate";
import type { PromptVariant } from "../src/bindings/PromptVariant";
import type { PromptView } from "../src/bindings/PromptView";
import type { Decision } from "../src/bindings/Decision";
import type { DecisionDraft } from "../src/bindings/DecisionDraft";
import type { ErrorCode } from "../src/bindings/ErrorCode";
import type { Guideline } from "../src/bindings/Guideline";
import type { Item } from "../src/bindings/Item";
import type { ReviewForm } from "../src/bindings/ReviewForm";
import type { ReviewFormDraft } from "../src/bindings/ReviewFormDraft";
import type { KeyBinding } from "../src/bindings/KeyBinding";
import type { ProviderConfig } from "../src/bindings/ProviderConfig";
import type { ItemBody } from "../src/bindings/ItemBody";
import type { QueueEntry } from "../src/bindings/QueueEntry";
import type { QueueFilter } from "../src/bindings/QueueFilter";
import type { QueuePage } from "../src/bindings/QueuePage";
import type { RejectReason } from "../src/bindings/RejectReason";
import type { Role } from "../src/bindings/Role";
import type { SessionInfo } from "../src/bindings/SessionInfo";
import type { StatusCounts } from "../src/bindings/StatusCounts";
import type { Vetting } from "../src/bindings/Vetting";
import type { WindowState } from "../src/bindings/WindowState";
import records from "./mock-items.json";
import { mockReviewGraph } from "./mockGraph";
import { MOCK_ALIGNMENT_RUNS, mockSuggestion } from "./mockAlignment";
import { mockPromptStore } from "./mockPrompts";
import { inForce, mockStats, seedTeamHistory } from "./mockStats";

/** An error as the shell rejects with it; the code must be one the core has. */
const appError = (code: ErrorCode, message: string): AppError => ({ code, message });

/** The preview is a local database: it has reviewer profiles, not a team server's logins. */
const noTeamLogins = () => {
  throw appError("bad_request", "only a team server has reviewer logins; on a local database, Switch chooses who is reviewing");
};

/** One line of the import format (see docs/import-format.md), loosely typed. */
type ImportRecord = { id: string; domain: string; model: string; vetting?: Vetting; metadata?: Record<string, unknown> } & ItemBody;

const REASONS: RejectReason[] = [
  ["unsupported_by_evidence", "Unsupported by evidence"],
  ["contradicts_evidence", "Contradicts evidence"],
  ["incomplete", "Incomplete"],
  ["wrong_data_product", "Wrong data product"],
  ["privacy_governance", "Privacy / governance"],
  ["off_domain", "Off-domain"],
  ["other", "Other"],
].map(([id, label]) => ({ id: id as string, label: label as string }));

interface Row {
  id: number;
  item: Item;
  history: Decision[];
}

function titleOf(body: ItemBody): string {
  if (body.kind !== "relationship") return body.question;
  const side = (product: string, fields: string[]) => `${product}.${fields.join("+")}`;
  return `${side(body.source.product, body.relation.mapping.map((p) => p.source_field))} → ${side(body.target.product, body.relation.mapping.map((p) => p.target_field))}`;
}

function toItem(record: ImportRecord, externalId: string): Item {
  const { id: _id, domain, model, vetting, metadata, ...body } = record;
  const now = "2025-11-20T09:30:00.000Z";
  return {
    external_id: externalId,
    domain,
    model,
    status: "pending",
    version: 0,
    body: body as ItemBody,
    vetting: vetting ?? null,
    assessment: null,
    metadata: metadata ?? {},
    latest_edit: null,
    tags: [],
    do_not_train: false,
    sensitive: [],
    claims: [],
    created_at: now,
    updated_at: now,
  };
}

const RLO = "\u202E";
const ZWSP = "\u200B";
const LONG = "x".repeat(400);

/** `?hostile=1`: an answer whose every field carries bidi overrides, zero-width characters and a very long line. */
const HOSTILE: ImportRecord = {
  kind: "answer",
  id: "qa-hostile",
  domain: `fin${ZWSP}ance`,
  model: `evil-model${RLO}7b`,
  question: `Which file should the analyst open? invoice${RLO}fdp.exe and pay${ZWSP}pal.com`,
  answer: `Open **invoice${RLO}fdp.exe** [1]. Visit [pay${ZWSP}pal](https://pay${ZWSP}pal.com/${RLO}x) now.\n\n${LONG}\n\n\`\`\`\n${LONG}\n\`\`\``,
  evidence: [{ id: "1", title: `Note ${RLO}gnp.exe`, text: `The attachment is invoice${RLO}fdp.exe; ${LONG}`, source: `mail${ZWSP}box` }],
  metadata: {},
  vetting: { model: "smollm2-vetter", verdict: "fail", score: 0.1, reasons: [`contains a ${RLO}override`] },
} as unknown as ImportRecord;

/** `?hostile=1` also adds a relationship whose product, field names and cells are hostile. */
const HOSTILE_RELATIONSHIP: ImportRecord = {
  kind: "relationship",
  id: "rel-hostile",
  domain: "finance",
  model: "evil-model",
  source: {
    product: `Pay${RLO}stneм`,
    fields: [
      { name: "id", type: "INTEGER" },
      { name: `acct${ZWSP}_id`, type: "TEXT" },
      { name: `"quoted" ${RLO}name`, type: "TEXT" },
    ],
    sample_rows: [{ id: 1, [`acct${ZWSP}_id`]: `A${RLO}17`, [`"quoted" ${RLO}name`]: LONG }],
  },
  target: {
    product: "Account",
    fields: [
      { name: "acct_id", type: "TEXT" },
      { name: `acct${ZWSP}_id`, type: "TEXT" },
      { name: "owner", type: "TEXT" },
    ],
    sample_rows: [{ acct_id: "A17", [`acct${ZWSP}_id`]: "A17", owner: `Mal${RLO}lory` }],
  },
  relation: {
    type: "foreign_key",
    cardinality: "N:1",
    mapping: [
      { source_field: `acct${ZWSP}_id`, target_field: "acct_id" },
      { source_field: `"quoted" ${RLO}name`, target_field: "owner" },
    ],
  },
  rationale: `Looks like a key ${RLO}(trust me)`,
  confidence: 0.5,
} as unknown as ImportRecord;

/** A comparison of three models' answers to a demo question (the demo data has none). */
const COMPARISON: ImportRecord = {
  kind: "comparison",
  id: "cmp-quality-cafe",
  domain: "film-tv",
  model: "qwen2.5-7b-instruct vs llama-3.1-8b-instruct vs mistral-7b-instruct",
  question: "Who directed the 2003 comedy with scenes filmed at the Quality Cafe in Los Angeles?",
  candidates: [
    { model: "qwen2.5-7b-instruct", answer: "Steven Spielberg directed it: the 2003 film is Catch Me If You Can." },
    { model: "llama-3.1-8b-instruct", answer: "Todd Phillips directed it: the 2003 comedy is Old School [doc-2]." },
    { model: "mistral-7b-instruct", answer: "The 2003 comedy is Old School, directed by Todd Phillips and filmed partly at the Quality Cafe." },
  ],
  evidence: [
    {
      id: "doc-1",
      title: "The Quality Cafe",
      text: "The Quality Cafe is a now-defunct diner at 1236 West 7th Street in Los Angeles. It has appeared in a number of Hollywood films, including \"Training Day\", \"Old School\", \"Se7en\" and \"Catch Me If You Can\".",
      source: "halueval:qa_one-turn_data.json#L26",
    },
    {
      id: "doc-2",
      title: "Old School",
      text: "Old School is a 2003 American comedy film released by DreamWorks Pictures and The Montecito Picture Company and directed by Todd Phillips.",
      source: "halueval:qa_one-turn_data.json#L26",
    },
  ],
  metadata: {},
};

/** The real records and a comparison first, then numbered copies so the list scrolls and pages. */
/** `team`: seed two weeks of decisions by three reviewers (see mockStats.ts) for the stats dashboard. */
export function createMockBackend(options: { copies: number; reviewer: string; hostile?: boolean; team?: boolean }) {
  const base = [...(options.hostile === true ? [HOSTILE, HOSTILE_RELATIONSHIP] : []), ...(records as unknown as ImportRecord[]), COMPARISON];
  const rows: Row[] = [];
  for (let copy = 0; copy < options.copies; copy++) {
    for (const record of base) {
      const externalId = copy === 0 ? record.id : `${record.id}-copy${copy}`;
      rows.push({ id: rows.length + 1, item: toItem(record, externalId), history: [] });
    }
  }
  if (options.team === true) seedTeamHistory(rows, REASONS);
  // Undo/redo as plain stacks (the core derives them from its log; the mock only mimics the effect).
  const undoStack: { row: Row; item: Item }[] = [];
  const redoStack: { row: Row; item: Item }[] = [];
  let keymap: KeyBinding[] = [];
  // One reviewer, no team: choose_reviewer renames them and sets their role.
  let reviewer = options.reviewer;
  let role: Role = "analyst";
  const guidelineList: (Guideline & { archived: boolean })[] = [];
  const mockPrompts = mockPromptStore();
  const providers = new Map<string, ProviderConfig>([["local", { base_url: "http://127.0.0.1:8080/v1", model: "smollm2", api_key_env: "OPENAI_API_KEY" }]]);
  // Stands in for the OS keyring: which providers have a key (the keys themselves are dropped).
  const keyring = new Set<string>();
  let plannedRule: string | null = null;
  let planned: { item: string; version: number; title: string; containment: number; basis: string; unmet: string[] }[] = [];
  const asStep = (event: Decision | null) => (event === null ? null : { event, rule: null, decisions: 1 });
  const revertTo = (from: typeof undoStack, to: typeof undoStack): Decision | null => {
    const entry = from.pop();
    if (entry === undefined) return null;
    to.push({ row: entry.row, item: entry.row.item });
    entry.row.item = { ...entry.item, version: entry.row.item.version + 1 };
    const revert: Decision = {
      id: `mock-revert-${Date.now()}`,
      item: entry.row.item.external_id,
      item_version: entry.row.item.version - 1,
      reviewer,
      action: "revert",
      edited: null,
      reason: null,
      note: null,
      decided_at: new Date().toISOString(),
      reverts: entry.row.history[entry.row.history.length - 1]?.id ?? null,
      edit_distance: null,
      pick: null,
    };
    entry.row.history.push(revert);
    return revert;
  };
  const find = (externalId: string): Row => {
    const row = rows.find((r) => r.item.external_id === externalId);
    if (row === undefined) throw appError("not_found", `no item with id '${externalId}'`);
    return row;
  };

  const liveGuideline = (id: number) => {
    const g = guidelineList.find((x) => x.id === id && !x.archived);
    if (g === undefined) throw appError("not_found", `no guideline #${id} (it may have been removed)`);
    return g;
  };
  const guidelineBody = (body: string): string => {
    const trimmed = body.trim();
    if (trimmed === "" || trimmed.length > 20_000) throw appError("bad_request", "a guideline is 1–20000 characters of markdown");
    return trimmed;
  };
  const newGuideline = (domain: string, body: string, source: { item: string; decision: string } | null): Guideline => {
    const now = new Date().toISOString();
    const g = { id: guidelineList.length + 1, domain, body, source_item: source?.item ?? null, source_decision: source?.decision ?? null, created_by: reviewer, created_at: now, updated_by: reviewer, updated_at: now };
    guidelineList.push({ ...g, archived: false });
    return g;
  };
  const withoutArchived = ({ archived: _archived, ...g }: Guideline & { archived: boolean }): Guideline => g;
  const sessionInfo = (): SessionInfo => ({ reviewer, role, needs_profile: false, db_path: `/home/${options.reviewer}/.local/share/vetted/vetted.db`, team_server: false, adds_items: true });

  const toEntry = (r: Row): QueueEntry => ({
    id: r.id,
    external_id: r.item.external_id,
    kind: r.item.body.kind,
    domain: r.item.domain,
    model: r.item.model,
    title: titleOf(r.item.body),
    status: r.item.status,
    verdict: r.item.vetting?.verdict ?? null,
  });

  /** The filter bar's criteria (not the status tab), as the core applies them. */
  const matches = (r: Row, filter: QueueFilter): boolean =>
    (filter.kind === null || r.item.body.kind === filter.kind) &&
    (filter.domain === null || r.item.domain === filter.domain) &&
    (filter.model === null || r.item.model === filter.model) &&
    (filter.verdict === null || r.item.vetting?.verdict === filter.verdict) &&
    (filter.tag === null || r.item.tags.includes(filter.tag)) &&
    (filter.reviewer === null || r.history.some((d) => d.reviewer === filter.reviewer)) &&
    (filter.vetter_confident == null ||
      (r.item.vetting?.verdict === "pass" && r.item.vetting.model === filter.vetter_confident.model && (r.item.vetting.score ?? 0) >= filter.vetter_confident.min_score));

  // One database, open from the start; closing it shows the welcome screen, the demo reopens it.
  const dbPath = `/home/${options.reviewer}/.local/share/vetted/vetted.db`;
  let generation = 1;
  let open = true;
  const windowState = (): WindowState => ({
    database: open ? { path: dbPath, name: "vetted.db", team_server: false, generation } : null,
    failure: null,
    recent: [{ path: dbPath, name: "vetted.db", opened_at: new Date(0).toISOString(), missing: false }],
    team_server: null,
  });
  const reopen = (): WindowState => {
    if (!open) generation += 1;
    open = true;
    return windowState();
  };

  const commands: Record<string, (args: Record<string, unknown>) => unknown> = {
    window_state: windowState,
    // No files in a browser: the pickers behave as if the user closed the dialog.
    open_database: windowState,
    new_database: windowState,
    open_demo: reopen,
    open_recent: reopen,
    forget_recent: windowState,
    // No PostgreSQL in a browser: signing in is refused as a server would refuse it.
    connect_team_server: () => {
      throw appError("server", "the browser preview has no team server; run the app (npm run tauri dev)");
    },
    choose_ca_file: () => null,
    watch_team_server: () => null,
    release_item: () => {
      throw appError("bad_request", "only a team server leases items; on a local database a skip just moves on");
    },
    team_reviewers: noTeamLogins,
    add_team_reviewer: noTeamLogins,
    remove_team_reviewer: noTeamLogins,
    close_database: () => {
      open = false;
      return windowState();
    },
    about: () => ({
      version: "0.0.0-mock",
      database: open ? { path: dbPath, schema_version: 1, latest_schema_version: 1 } : null,
      data_dir: `/home/${options.reviewer}/.local/share/vetted`,
      config_dir: `/home/${options.reviewer}/.config/vetted`,
      bundled_data_notice: "The mock has no bundled data.",
    }),
    start_import: () => null,
    start_export: () => null,
    start_backup: () => null,
    start_register_products: () => null,
    start_discover_relationships: () => null,
    cancel_job: () => false,
    data_revision: () => 0,
    session_info: sessionInfo,
    // One reviewer, no team: switching only renames, and nothing is ever in conflict.
    reviewers: () => [{ name: reviewer, role, stamp: 0 }],
    choose_reviewer: (args) => {
      reviewer = String(args.name).trim();
      role = args.role as Role;
      return sessionInfo();
    },
    // Any item's case: each reviewer's latest decision in force (here only ever one reviewer's).
    adjudication_case: (args) => {
      const row = find(args.externalId as string);
      const latest = new Map(inForce(row.history).map((d) => [d.reviewer, d]));
      return { entry: toEntry(row), decisions: [...latest.values()] };
    },
    adjudicate: (args) => {
      const draft = draftOf("adjudicate", args);
      if (role !== "adjudicator") {
        throw appError("forbidden", `'${reviewer}' is not an adjudicator; only adjudicators record final decisions`);
      }
      return record(draft);
    },
    start_sync_pack: () => null,
    start_sync_merge: () => null,
    // One local provider without a key to start with; keys go to a pretend keyring, runs need the shell (HTTP).
    llm_providers: () => ({
      settings_file: `/home/${options.reviewer}/.config/vetted/vetted.toml`,
      providers: [...providers].map(([name, config]) => ({ name, config, key: keyring.has(name) ? { kind: "keyring" } : { kind: "missing" } })),
    }),
    save_provider: (args) => {
      const config = args.config as ProviderConfig;
      if (String(args.name).trim() === "" || config.base_url.trim() === "" || config.model.trim() === "") {
        throw appError("config", "a provider needs a name, a base URL and a model");
      }
      providers.set(String(args.name), config);
      return null;
    },
    remove_provider: (args) => {
      providers.delete(String(args.name));
      keyring.delete(String(args.name));
      return null;
    },
    set_provider_key: (args) => {
      if (String(args.key).trim() === "") throw appError("config", `the key for provider '${String(args.name)}' is empty`);
      keyring.add(String(args.name));
      return null;
    },
    forget_provider_key: (args) => keyring.delete(String(args.name)),
    data_products: () => [],
    start_llm_run: () => null,
    item_costs: () => ({ calls: 1, failed_calls: 0, prompt_tokens: 412, completion_tokens: 38, cost_usd: 0.000085, unpriced_calls: 0 }),
    reject_reasons: () => REASONS,
    stats: () => mockStats(rows, REASONS),
    alignment_runs: () => MOCK_ALIGNMENT_RUNS,
    prompt_template: (args): PromptView => mockPrompts.view(String(args.domain), args.template as PromptTemplate),
    save_prompt_template: (args): PromptRevision =>
      mockPrompts.save(String(args.domain), args.template as PromptTemplate, (args.text as string | null) ?? null, reviewer),
    auto_approve_suggestion: (args): AutoApproveSuggestion => mockSuggestion(MOCK_ALIGNMENT_RUNS, Number(args.alignmentId), (args.variant as PromptVariant | null) ?? "both", Number(args.precision)),
    status_counts: (args): StatusCounts => {
      const counts: StatusCounts = { pending: 0, approved: 0, edited: 0, rejected: 0, needs_sme: 0, conflict: 0 };
      for (const row of rows) if (matches(row, args.filter as QueueFilter)) counts[row.item.status] += 1;
      return counts;
    },
    queue_page: (args): QueuePage => {
      const { filter, after, limit } = args as { filter: QueueFilter; after: { id: number } | null; limit: number };
      const matching = rows.filter((r) => r.id > (after?.id ?? 0) && (filter.status === null || r.item.status === filter.status) && matches(r, filter));
      const entries = matching.slice(0, limit).map(toEntry);
      const last = entries[entries.length - 1];
      return { entries, next_after: entries.length === limit && last !== undefined ? { key: last.id, id: last.id } : null };
    },
    queue_facets: () => ({
      domains: [...new Set(rows.map((r) => r.item.domain))].sort(),
      models: [...new Set(rows.map((r) => r.item.model))].sort(),
      reviewers: [...new Set([reviewer, ...rows.flatMap((r) => r.history.map((d) => d.reviewer))])].sort(),
      tags: [...new Set(rows.flatMap((r) => r.item.tags))].sort(),
    }),
    undo: () => asStep(revertTo(undoStack, redoStack)),
    redo: () => asStep(revertTo(redoStack, undoStack)),
    // Without computed evidence, the mock's "rule" is met by every pending relationship item; its
    // approvals are undone one at a time (the core undoes them as one step).
    start_rule_check: (args) => {
      const rule = String(args.rule).trim();
      if (rule === "") throw appError("bad_request", "the rule is empty");
      const candidates = rows.filter((r) => r.item.body.kind === "relationship" && r.item.status === "pending");
      plannedRule = rule;
      planned = candidates.map((r) => ({ item: r.item.external_id, version: r.item.version, title: r.item.external_id, containment: 1, basis: "mock", unmet: [] }));
      const channel = args.onEvent as { onmessage?: (event: unknown) => void };
      setTimeout(() => channel.onmessage?.({ type: "finished", summary: `${planned.length} candidates meet the rule` }), 0);
      return 1;
    },
    shown_rule_plan: () => (plannedRule === null ? null : { rule: plannedRule, approve: planned, leave: [] }),
    approve_by_rule: (args) => {
      if (args.rule !== plannedRule) throw appError("bad_request", `check which candidates meet '${String(args.rule)}' again before approving them`);
      for (const c of planned) record({ id: `${String(args.id)}-${c.item}`, item: c.item, item_version: c.version, action: "approve", edited: null, reason: null, note: `approved by rule: ${plannedRule}`, answers: {}, claims: [], pick: null });
      return planned.length;
    },
    add_tag: (args) => {
      const row = find(args.externalId as string);
      row.item = { ...row.item, tags: [...new Set([...row.item.tags, String(args.tag).toLowerCase()])].sort() };
      return row.item.tags;
    },
    remove_tag: (args) => {
      const row = find(args.externalId as string);
      row.item = { ...row.item, tags: row.item.tags.filter((t) => t !== args.tag) };
      return row.item.tags;
    },
    set_do_not_train: (args) => {
      const row = find(args.externalId as string);
      row.item = { ...row.item, do_not_train: args.flag === true };
      return null;
    },
    get_keymap: () => keymap,
    set_keymap: (args) => {
      keymap = args.overrides as KeyBinding[];
      return null;
    },
    // A case-insensitive substring match stands in for the FTS index.
    search_items: (args) => {
      const query = String(args.query).toLowerCase();
      return rows
        .filter((r) => JSON.stringify(r.item.body).toLowerCase().includes(query))
        .slice(0, args.limit as number)
        .map(toEntry);
    },
    // As if no data products were registered: the panel shows nothing.
    relationship_evidence: () => null,
    review_graph: () => mockReviewGraph(rows.map((row) => row.item)),
    get_item: (args) => find(args.externalId as string).item,
    review_form: (): ReviewForm | null => null,
    review_form_draft: (): ReviewFormDraft => ({ in_force: null, versions: [], text: "[[question]]\n" }),
    save_review_form: () => {
      throw appError("bad_request", "the mock backend keeps no review forms");
    },
    // Every domain asks, as a fresh database does.
    claim_settings: (): ClaimSettings => ({ confirm_approve: true }),
    set_claim_settings: (args) => args.settings as ClaimSettings,
    item_history: (args) => find(args.externalId as string).history,
    decide: (args) => record(draftOf("decide", args)),
    guidelines: (args) => guidelineList.filter((g) => g.domain === args.domain && !g.archived).map(withoutArchived),
    add_guideline: (args) => {
      const domain = String(args.domain).trim();
      if (domain === "") throw appError("bad_request", "a guideline needs a domain");
      return newGuideline(domain, guidelineBody(String(args.body)), null);
    },
    // Promoting the same note again returns the same entry.
    promote_note: (args) => {
      const decisionId = String(args.decisionId);
      const existing = guidelineList.find((g) => g.source_decision === decisionId);
      if (existing !== undefined) return withoutArchived(existing);
      const row = rows.find((r) => r.history.some((d) => d.id === decisionId));
      const note = row?.history.find((d) => d.id === decisionId)?.note ?? null;
      if (row === undefined) throw appError("not_found", `no decision with id '${decisionId}'`);
      if (note === null || note.trim() === "") {
        throw appError("bad_request", `decision '${decisionId}' has no note to promote; add a guideline instead`);
      }
      return newGuideline(row.item.domain, guidelineBody(note), { item: row.item.external_id, decision: decisionId });
    },
    update_guideline: (args) => {
      const g = liveGuideline(args.id as number);
      Object.assign(g, { body: guidelineBody(String(args.body)), updated_by: reviewer, updated_at: new Date().toISOString() });
      return withoutArchived(g);
    },
    archive_guideline: (args) => {
      Object.assign(liveGuideline(args.id as number), { archived: true, updated_by: reviewer, updated_at: new Date().toISOString() });
      return null;
    },
  };

  /** The draft of `decide`/`adjudicate`; like the shell, refuses one that names a reviewer. */
  function draftOf(command: string, args: Record<string, unknown>): DecisionDraft {
    const draft = args.draft as DecisionDraft;
    if ("reviewer" in draft) throw `invalid args \`draft\` for command \`${command}\`: unknown field \`reviewer\``;
    return draft;
  }

  /** `decide`, and `adjudicate` once the reviewer is known to be an adjudicator: as the session's reviewer. */
  function record(input: DecisionDraft): Decision {
    const row = find(input.item);
    const existing = row.history.find((d) => d.id === input.id);
    if (existing !== undefined) return existing;
    if (input.item_version !== row.item.version) {
      throw appError("conflict", `item '${input.item}' changed since you loaded it`);
    }
    if (input.action === "reject" && !REASONS.some((r) => r.id === input.reason)) {
      throw appError("bad_request", "a reject needs a reason");
    }
    if (input.action === "revert") throw appError("bad_request", "reverts are recorded by undo and redo");
    const pickRefused = pickProblem(input, row.item.body);
    if (pickRefused !== null) throw appError("bad_request", pickRefused);
    const decision: Decision = { ...input, reviewer, decided_at: new Date().toISOString(), reverts: null, edit_distance: null };
    const status = ({ approve: "approved", edit: "edited", reject: "rejected", needs_sme: "needs_sme" } as const)[input.action];
    undoStack.push({ row, item: row.item });
    redoStack.length = 0;
    row.history.push(decision);
    row.item = { ...row.item, status, version: row.item.version + 1, latest_edit: input.edited, updated_at: decision.decided_at };
    return decision;
  }

  /** Like the core (`comparison_picks::check_pick`): a comparison's approve needs a pick, and nothing else takes one. */
  function pickProblem(input: DecisionDraft, body: ItemBody): string | null {
    const pick = input.pick ?? null;
    const count = body.kind === "comparison" ? body.candidates.length : 0;
    if (count === 0) return pick === null ? null : `item '${input.item}' is not a comparison: a pick names one of a comparison's candidates`;
    if (input.action !== "approve") return pick === null ? null : "only an approve carries a pick; an edit names the candidate it started from";
    if (pick === null) return `approving comparison '${input.item}' needs a pick: the best candidate (1–${count}) or a tie`;
    return pick !== "tie" && pick.best >= count ? `item '${input.item}' has candidates 1–${count}; the pick ${pick.best + 1} is not one of them` : null;
  }

  const dispatch = (command: string, args: Record<string, unknown> = {}): unknown => {
    const run = commands[command];
    if (run === undefined) throw `command ${command} not found`;
    return run(args);
  };
  // `commands`: what this stand-in answers, checked against src-tauri/src/command_list.rs by
  // src/commandList.test.ts.
  return Object.assign(dispatch, { commands: Object.keys(commands) });
}
