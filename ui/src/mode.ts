import type { EditedContent } from "./bindings/EditedContent";

/** What the reviewer is doing with the current item. */
export type ReviewMode =
  | { kind: "browse" }
  | { kind: "edit"; draft: EditedContent; initial: EditedContent; notice: string | null }
  /** Editing a comparison: which candidate the edit starts from (1–N; Esc cancels). */
  | { kind: "choose-candidate" }
  | { kind: "reject"; reasonIndex: number; note: string }
  | { kind: "sme"; question: string }
  /** Approving an answer with claims marked unsupported or contradicted, to be confirmed. */
  | { kind: "confirm-approve"; doubtful: number }
  | { kind: "help" }
  /** The stats dashboard replaces the review workspace; review keys do nothing there. */
  | { kind: "stats" }
  /** The relationship graph replaces the review workspace; it has its own keys (graphNav.ts). */
  | { kind: "graph" }
  /** Approve by rule, a dialog over the graph; it closes back to the graph. */
  | { kind: "rule" }
  | { kind: "export" }
  | { kind: "reviewer" }
  | { kind: "providers" }
  /** A domain's prompt templates, versioned (Models ▸ Prompts). */
  | { kind: "prompts" }
  /** A domain's review form (rubric), versioned. */
  | { kind: "forms" }
  | { kind: "llm-run" };

export const BROWSE: ReviewMode = { kind: "browse" };
