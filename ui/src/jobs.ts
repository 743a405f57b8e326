// Background jobs (import, export, backup) as the UI tracks them: started, progressing, then
// finished or failed. Pure state transitions so every rule is unit-tested without the shell.
import type { JobEvent } from "./bindings/JobEvent";

export type JobKind = "import" | "export" | "backup" | "products" | "pack" | "merge";

export interface JobView {
  id: number;
  kind: JobKind;
  done: number;
  total: number | null;
  /** Set once a cancel was requested, so the button cannot be pressed twice. */
  cancelling: boolean;
}

export const JOB_TITLE: Record<JobKind, string> = {
  import: "Importing",
  export: "Exporting",
  backup: "Backing up",
  products: "Adding data products",
  pack: "Packing decisions",
  merge: "Merging decisions",
};

/** What a finished job means for the rest of the UI and what to tell the reviewer. */
export interface JobOutcome {
  tone: "success" | "info" | "error";
  text: string;
  /** New items may be visible: refresh the queue. */
  refreshQueue: boolean;
}

export function jobStarted(jobs: readonly JobView[], id: number, kind: JobKind): JobView[] {
  return [...jobs, { id, kind, done: 0, total: null, cancelling: false }];
}

export function jobCancelling(jobs: readonly JobView[], id: number): JobView[] {
  return jobs.map((job) => (job.id === id ? { ...job, cancelling: true } : job));
}

/** Applies a progress event; an outcome removes the job (see `outcomeOf`). */
export function jobProgressed(jobs: readonly JobView[], id: number, event: JobEvent): JobView[] {
  if (event.type !== "progress") return jobs.filter((job) => job.id !== id);
  return jobs.map((job) => (job.id === id ? { ...job, done: event.done, total: event.total } : job));
}

export function outcomeOf(kind: JobKind, event: JobEvent): JobOutcome | null {
  switch (event.type) {
    case "progress":
      return null;
    case "finished":
      return { tone: "success", text: event.summary, refreshQueue: kind === "import" || kind === "merge" };
    case "failed":
      return event.code === "cancelled"
        ? { tone: "info", text: `${JOB_TITLE[kind]} cancelled; nothing was changed.`, refreshQueue: false }
        : { tone: "error", text: event.message, refreshQueue: false };
  }
}

/** Share done in [0, 1], or null while the total is unknown. */
export function fractionDone(job: JobView): number | null {
  if (job.total === null || job.total <= 0) return null;
  return Math.min(job.done / job.total, 1);
}

export function progressLabel(job: JobView): string {
  const fraction = fractionDone(job);
  const title = JOB_TITLE[job.kind];
  if (job.cancelling) return `${title}: cancelling…`;
  return fraction === null ? `${title}…` : `${title}: ${Math.floor(fraction * 100)} %`;
}
