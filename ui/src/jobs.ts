// Background jobs (imports, exports, backups, sync, LLM runs) as the UI tracks them: started, progressing, then
// finished or failed. Pure state transitions so every rule is unit-tested without the shell.
import type { JobEvent } from "./bindings/JobEvent";

export type JobKind = "import" | "export" | "backup" | "products" | "discover" | "pack" | "merge" | LlmRole;

/** The LLM roles a run can play (the `role` of an LlmRunRequest). */
export type LlmRole = "vet" | "relate" | "rank" | "generate" | "align";

export interface JobView {
  id: number;
  kind: JobKind;
  done: number;
  total: number | null;
  /** LLM runs: what the calls cost so far (USD); null for other jobs. */
  costUsd: number | null;
  /** LLM runs: inputs that produced no result so far. */
  failed: number;
  /** Set once a cancel was requested, so the button cannot be pressed twice. */
  cancelling: boolean;
}

export const JOB_TITLE: Record<JobKind, string> = {
  import: "Importing",
  export: "Exporting",
  backup: "Backing up",
  products: "Adding data products",
  discover: "Discovering relationships",
  pack: "Packing decisions",
  merge: "Merging decisions",
  vet: "Vetting",
  relate: "Proposing relationships",
  rank: "Ranking relationships",
  generate: "Generating answers",
  align: "Aligning the vetting model",
};

/** Jobs whose success changes what the queue shows (new items, new verdicts). */
const CHANGES_QUEUE: ReadonlySet<JobKind> = new Set(["import", "discover", "merge", "vet", "relate", "rank", "generate"]);

/** What a finished job means for the rest of the UI and what to tell the reviewer. */
export interface JobOutcome {
  tone: "success" | "info" | "error";
  text: string;
  /** New items may be visible: refresh the queue. */
  refreshQueue: boolean;
  /** Data products were registered or refreshed: computed evidence and the graph read them again. */
  refreshEvidence?: boolean;
}

export function jobStarted(jobs: readonly JobView[], id: number, kind: JobKind): JobView[] {
  return [...jobs, { id, kind, done: 0, total: null, costUsd: null, failed: 0, cancelling: false }];
}

export function jobCancelling(jobs: readonly JobView[], id: number): JobView[] {
  return jobs.map((job) => (job.id === id ? { ...job, cancelling: true } : job));
}

/** Applies a progress event; an outcome removes the job (see `outcomeOf`). */
export function jobProgressed(jobs: readonly JobView[], id: number, event: JobEvent): JobView[] {
  if (event.type !== "progress") return jobs.filter((job) => job.id !== id);
  return jobs.map((job) => (job.id === id ? { ...job, done: event.done, total: event.total, costUsd: event.cost_usd, failed: event.failed } : job));
}

export function outcomeOf(kind: JobKind, event: JobEvent): JobOutcome | null {
  switch (event.type) {
    case "progress":
      return null;
    case "finished":
      return kind === "products"
        ? { tone: "success", text: event.summary, refreshQueue: false, refreshEvidence: true }
        : { tone: "success", text: event.summary, refreshQueue: CHANGES_QUEUE.has(kind) };
    case "failed":
      if (event.code !== "cancelled") return { tone: "error", text: event.message, refreshQueue: false };
      // An LLM run keeps what finished before the cancel (each call is its own transaction).
      return isLlmRole(kind)
        ? { tone: "info", text: `${JOB_TITLE[kind]} cancelled; results of the calls that finished are kept.`, refreshQueue: true }
        : { tone: "info", text: `${JOB_TITLE[kind]} cancelled; nothing was changed.`, refreshQueue: false };
  }
}

/** Share done in [0, 1], or null while the total is unknown. */
export function fractionDone(job: JobView): number | null {
  if (job.total === null || job.total <= 0) return null;
  return Math.min(job.done / job.total, 1);
}

export function isLlmRole(kind: JobKind): kind is LlmRole {
  return kind === "vet" || kind === "relate" || kind === "rank" || kind === "generate" || kind === "align";
}

/** Dollars with enough digits for cents-per-query models: $0.0123, $1.23. */
export function formatUsd(usd: number): string {
  return `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
}

export function progressLabel(job: JobView): string {
  const fraction = fractionDone(job);
  const title = JOB_TITLE[job.kind];
  if (job.cancelling) return `${title}: cancelling…`;
  if (isLlmRole(job.kind)) {
    // Counts, not a percentage: each input is a call the reviewer pays for.
    const parts = [job.total === null ? `${title}…` : `${title}: ${job.done} / ${job.total}`];
    if (job.costUsd !== null) parts.push(formatUsd(job.costUsd));
    if (job.failed > 0) parts.push(`${job.failed} failed`);
    return parts.join(" · ");
  }
  return fraction === null ? `${title}…` : `${title}: ${Math.floor(fraction * 100)} %`;
}
