// What the window says when a database cannot be opened: a title per error code and the next
// steps to offer. The core's message (shown under the title) names the file and the cause.
import type { CallError } from "./api";
import type { RecentDatabase } from "./bindings/RecentDatabase";

/** A way out the explanation offers, as a button. */
export type NextStep = "open-other" | "new" | "demo" | "forget" | "retry";

export interface FailureAdvice {
  title: string;
  steps: NextStep[];
}

/** The title and next steps for a failed open; `listed` when the file is on the recent list. */
export function adviceFor(code: CallError["code"], listed: boolean): FailureAdvice {
  const forget: NextStep[] = listed ? ["forget"] : [];
  switch (code) {
    case "missing_database":
      return { title: "This database is not there any more", steps: [...forget, "open-other", "new"] };
    case "not_a_database":
      return { title: "This file is not a Vetted database", steps: ["open-other", ...forget, "new"] };
    case "schema_too_new":
      return { title: "This database was written by a newer Vetted", steps: ["open-other", "new"] };
    case "already_open":
      return { title: "This database is open in another Vetted window", steps: ["retry", "open-other"] };
    case "read_only":
      return { title: "This database cannot be written", steps: ["open-other", "retry"] };
    case "disk_full":
      return { title: "The disk is full", steps: ["retry", "open-other"] };
    case "not_a_regular_file":
      return { title: "This is not a database file", steps: ["open-other", ...forget] };
    default:
      return { title: "This database could not be opened", steps: ["retry", "open-other", ...forget] };
  }
}

export const STEP_LABEL: Record<NextStep, string> = {
  "open-other": "Open another database…",
  new: "New database…",
  demo: "Open the demo",
  forget: "Remove from recent",
  retry: "Try again",
};

/** The recent databases the File menu offers: those still there, most recent first, at most `max`. */
export function recentMenuEntries(recent: readonly RecentDatabase[], max: number): RecentDatabase[] {
  return recent.filter((r) => !r.missing).slice(0, max);
}

/** The folder a recent database is in, for the line under its name. */
export function folderOf(path: string): string {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return cut <= 0 ? path.slice(0, cut + 1) : path.slice(0, cut);
}
