import type { Role } from "./bindings/Role";
// The "Run a model" dialog's choices and the request they make, and how a provider's key is
// described. Pure, so every rule is unit-tested without the shell.
import type { KeySource } from "./bindings/KeySource";
import type { LlmRunRequest } from "./bindings/LlmRunRequest";
import type { PromptVariant } from "./bindings/PromptVariant";
import type { QueueFilter } from "./bindings/QueueFilter";
import type { LlmRole } from "./jobs";

export interface LlmRunDraft {
  role: LlmRole;
  provider: string;
  /** Vet: how many items of the current queue, in its order; rank: how many candidates; align:
   * how many held-out items each variant judges. */
  limit: number;
  /** Vet: judge again items this model already vetted. */
  revet: boolean;
  /** Vet, generate, relate: what each prompt carries besides its subject. */
  knowledge: PromptVariant;
  /** Relate: registered product names. */
  source: string;
  target: string;
  domain: string;
  /** Align: share of the domain's decided items held out, in 0..1. */
  holdout: number;
  /** Align: the prompt variants to compare. */
  variants: PromptVariant[];
  /** Relate, rank, generate on a team server: how many distinct reviewers each new item goes to (the overlap k). */
  reviews: number;
}

export const DEFAULT_LLM_RUN: LlmRunDraft = {
  role: "vet",
  provider: "",
  limit: 20,
  revet: false,
  knowledge: "base",
  source: "",
  target: "",
  domain: "data",
  holdout: 0.2,
  variants: ["base", "guidelines", "examples", "both"],
  reviews: 1,
};

/** The most distinct reviewers an item on a team server can go to (the schema's check). */
export const MAX_REVIEWS = 10;

/** What a vetting prompt can carry besides the item (docs/llm.md#knowledge-in-the-prompt). */
export const KNOWLEDGE_CHOICES: { value: PromptVariant; label: string }[] = [
  { value: "base", label: "Nothing besides the item or question" },
  { value: "guidelines", label: "The domain's guidelines" },
  { value: "examples", label: "Similar items reviewers decided" },
  { value: "both", label: "Guidelines and similar decided items" },
];

/** The most items one vet run may take from the dialog (a guard against a costly slip). */
export const MAX_VET_LIMIT = 10_000;

export const ROLES: { value: LlmRole; label: string; hint: string }[] = [
  { value: "vet", label: "Vet the queue", hint: "The vetting model screens items of the queue as it is filtered now: verdict, reasons and risk, shown next to each item. Never a decision." },
  { value: "relate", label: "Propose relationships", hint: "The model reads two registered data products (schemas and sample rows) and proposes relationships for review." },
  {
    value: "rank",
    label: "Rank discovered relationships",
    hint: "The model judges the pending candidates Discover relationships queued, pair by pair: how likely each holds and why (shown with the item; sort the queue Most likely first), and adds any it finds missing. Never a decision.",
  },
  { value: "generate", label: "Answer questions", hint: "Pick a questions file (JSONL with id, domain, question and evidence); the answers join the queue." },
  {
    value: "align",
    label: "Align the vetting model",
    hint: "The vetting model judges held-out items reviewers already decided, once per prompt variant, and is measured against them (κ, precision, recall, cost). The figures and an auto-approve threshold appear on the Stats dashboard. Never a decision.",
  },
];

/** Where a run would go: a local database, or a team server where the login has `role` and may add items or not (its owner does). */
export type RunPlace = { teamServer: false } | { teamServer: true; role: Role | null; addsItems: boolean };

export const LOCAL: RunPlace = { teamServer: false };

/** The tasks that write verdicts (SMEs and adjudicators run them on a team server). */
const VERDICT_TASKS: readonly LlmRole[] = ["vet", "align"];
/** The tasks that add items (on a team server, who imports: its owner); ranking adds the model's own relationships. */
const ITEM_TASKS: readonly LlmRole[] = ["relate", "rank", "generate"];

/**
 * The tasks the open database runs. On a team server: the vetting model's (vetting, aligning),
 * which the server lets SMEs and adjudicators write (each verdict reaches every reviewer at once),
 * offered to every reviewer (the others are told who may); and the tasks that add items (answers,
 * proposed or ranked relationships) to who may add items there: its owner, as with imports.
 */
export function rolesFor(place: RunPlace): typeof ROLES {
  if (!place.teamServer) return ROLES;
  const verdicts = place.role !== null || !place.addsItems;
  return ROLES.filter((r) => (verdicts && VERDICT_TASKS.includes(r.value)) || (place.addsItems && ITEM_TASKS.includes(r.value))).map((r) => ({
    ...r,
    hint: `${r.hint} On a team server ${VERDICT_TASKS.includes(r.value) ? "only SMEs and adjudicators run it" : "only its owner adds items, as with imports"}.`,
  }));
}

/** On a team server, how many reviewers each item the owner's run adds goes to; null where the run adds none, the login may add none, or on a local database (its overlap is configured). */
export function newItemReviews(draft: LlmRunDraft, place: RunPlace): number | null {
  return place.teamServer && place.addsItems && ITEM_TASKS.includes(draft.role) ? draft.reviews : null;
}

/** What is wrong with `reviews` distinct reviewers per new item on a team server, or null when it is 1 to `MAX_REVIEWS`. */
export function reviewsProblem(reviews: number): string | null {
  return Number.isInteger(reviews) && reviews >= 1 && reviews <= MAX_REVIEWS ? null : `Each new item goes to 1 to ${MAX_REVIEWS} distinct reviewers.`;
}

/** What is wrong with the draft, or null when it can run. */
export function runProblem(draft: LlmRunDraft, place: RunPlace = LOCAL): string | null {
  if (place.teamServer) {
    if (VERDICT_TASKS.includes(draft.role) && place.role !== "sme" && place.role !== "adjudicator") {
      return "On the team server only SMEs and adjudicators run the vetting model (its verdicts are what every reviewer sees); ask one of them, or the server's owner for the SME role.";
    }
    if (ITEM_TASKS.includes(draft.role) && !place.addsItems) {
      return "On the team server only its owner adds items (answers, proposed or ranked relationships), as with imports; ask the owner to run it, or run it on a local database.";
    }
    if (ITEM_TASKS.includes(draft.role)) {
      const problem = reviewsProblem(draft.reviews);
      if (problem !== null) return problem;
    }
  }
  if (draft.provider === "") return "Choose a provider (add one under LLM providers first).";
  if (draft.role === "vet" && (!Number.isInteger(draft.limit) || draft.limit < 1 || draft.limit > MAX_VET_LIMIT)) {
    return `Vet between 1 and ${MAX_VET_LIMIT.toLocaleString("en")} items per run.`;
  }
  if (draft.role === "rank") {
    if (!Number.isInteger(draft.limit) || draft.limit < 1 || draft.limit > MAX_VET_LIMIT) {
      return `Rank between 1 and ${MAX_VET_LIMIT.toLocaleString("en")} candidates per run.`;
    }
    if (draft.domain.trim() === "") return "Name the domain of the candidates to rank.";
  }
  if (draft.role === "align") {
    if (draft.domain.trim() === "") return "Name the domain whose decisions to align with.";
    if (!(draft.holdout > 0 && draft.holdout < 1)) return "Hold out a share between 0 and 1 (e.g. 0.2) of the decided items.";
    if (!Number.isInteger(draft.limit) || draft.limit < 1 || draft.limit > MAX_VET_LIMIT) {
      return `Judge between 1 and ${MAX_VET_LIMIT.toLocaleString("en")} held-out items per variant.`;
    }
    if (draft.variants.length === 0) return "Choose at least one prompt variant to compare.";
  }
  if (draft.role === "relate") {
    if (draft.source === "" || draft.target === "") return "Choose both data products.";
    if (draft.source === draft.target) return "Choose two different data products.";
    if (draft.domain.trim() === "") return "Name the domain of the new items.";
  }
  return null;
}

/** The request for the core; `filter` is the queue as shown (tab and filter bar). */
export function llmRunRequest(draft: LlmRunDraft, filter: QueueFilter): LlmRunRequest {
  switch (draft.role) {
    case "vet":
      return { role: "vet", provider: draft.provider, filter, limit: draft.limit, revet: draft.revet, knowledge: draft.knowledge };
    case "relate":
      return { role: "relate", provider: draft.provider, source: draft.source, target: draft.target, domain: draft.domain.trim(), knowledge: draft.knowledge };
    case "rank":
      return { role: "rank", provider: draft.provider, domain: draft.domain.trim(), limit: draft.limit };
    case "generate":
      return { role: "generate", provider: draft.provider, knowledge: draft.knowledge };
    case "align":
      return { role: "align", provider: draft.provider, domain: draft.domain.trim(), holdout: draft.holdout, variants: draft.variants, limit: draft.limit };
  }
}

/** Where a key comes from, in words; never the key (the UI is never given it). */
export function keySourceLabel(source: KeySource): string {
  switch (source.kind) {
    case "env":
      return `from $${source.var}`;
    case "keyring":
      return "in the OS keyring";
    case "missing":
      return "none (fine for local servers)";
    case "keyring_unavailable":
      return `none — the OS keyring is unavailable: ${source.message}`;
  }
}

export const hasKey = (source: KeySource): boolean => source.kind === "env" || source.kind === "keyring";

const SORT_LABEL: Record<QueueFilter["sort"], string> = { oldest: "oldest first", newest: "newest first", risk: "riskiest first", likely: "most likely first" };

/** The queue a vet run takes its items from, in words, e.g. `pending · domain finance · riskiest first`. */
export function describeQueue(filter: QueueFilter): string {
  const parts: string[] = [];
  if (filter.review === "conflict") parts.push("conflicts");
  else if (filter.awaiting != null) parts.push(`pending for ${filter.awaiting}`);
  else parts.push(filter.status === null ? "all statuses" : filter.status.replace("_", " "));
  const fields: [string, string | null][] = [
    ["kind", filter.kind],
    ["domain", filter.domain],
    ["model", filter.model],
    ["verdict", filter.verdict],
    ["reviewer", filter.reviewer],
    ["tag", filter.tag],
  ];
  for (const [name, value] of fields) if (value !== null) parts.push(`${name} ${value}`);
  if (filter.vetter_confident != null) parts.push(`passed by ${filter.vetter_confident.model} ≥ ${filter.vetter_confident.min_score.toFixed(3)}`);
  parts.push(SORT_LABEL[filter.sort]);
  return parts.join(" · ");
}
