// Approving by rule from the graph, as state and transitions: the reviewer states a rule over the
// computed evidence, checks which candidates meet it (the core plans; nothing is written), then
// approves exactly what was checked, as one step Ctrl+Z takes back. Editing the rule after a check
// asks for a new check before anything can be approved.
import type { RulePlan } from "./bindings/RulePlan";

/**
 * What the dialog starts with: the obvious case — full containment into a declared key, between
 * fields named alike (without the names clause, small auto-increment ids contained in any larger
 * key pass too; see docs/relationships.md).
 */
export const DEFAULT_RULE = "containment>=100%, target-key, names>=50%";

export interface RuleDraft {
  rule: string;
  /** The rule text the plan was made for; a plan for other text cannot be approved. */
  checked: string | null;
  plan: RulePlan | null;
  /** A check or an approval is in flight. */
  busy: boolean;
  /** Candidates checked so far by the running check. */
  progress: { done: number; total: number | null } | null;
  error: string | null;
}

export const initialDraft = (rule: string = DEFAULT_RULE): RuleDraft => ({ rule, checked: null, plan: null, busy: false, progress: null, error: null });

/** What Enter (or Ctrl+Enter) does now: check the rule as typed, approve what was checked, or nothing. */
export function nextStep(draft: RuleDraft): "check" | "approve" | null {
  if (draft.busy || draft.rule.trim() === "") return null;
  if (draft.plan === null || draft.checked !== draft.rule) return "check";
  return draft.plan.approve.length > 0 ? "approve" : null;
}

export const ruleEdited = (rule: string) => (draft: RuleDraft): RuleDraft => ({ ...draft, rule, error: null });

export const started = (draft: RuleDraft): RuleDraft => ({ ...draft, busy: true, progress: null, error: null });

export const progressed = (done: number, total: number | null) => (draft: RuleDraft): RuleDraft => ({ ...draft, progress: { done, total } });

/** A plan arrived for `rule` (the text that was sent). */
export const checked = (rule: string, plan: RulePlan) => (draft: RuleDraft): RuleDraft => ({ ...draft, busy: false, progress: null, checked: rule, plan });

export const failed = (message: string) => (draft: RuleDraft): RuleDraft => ({ ...draft, busy: false, progress: null, error: message });

/** An approval was refused (e.g. a candidate changed meanwhile): nothing was recorded, and the plan is stale, so check again. */
export const approveFailed = (message: string) => (draft: RuleDraft): RuleDraft => ({ ...draft, busy: false, progress: null, error: message, checked: null, plan: null });

/** "4 of 8 candidates meet the rule", for the dialog and its test. */
export function planSummary(plan: RulePlan): string {
  const total = plan.approve.length + plan.leave.length;
  if (total === 0) return "No relationship candidate is waiting for you here.";
  const meet = plan.approve.length === 1 ? "meets" : "meet";
  return `${plan.approve.length} of ${total} candidate${total === 1 ? "" : "s"} ${meet} the rule.`;
}

/**
 * Why candidates were left, grouped by the kind of reason (the words before the figures:
 * "containment 3.3% < 100%" counts as "containment"), most frequent first.
 */
export function leftReasons(plan: RulePlan): { reason: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const candidate of plan.leave) {
    const first = candidate.unmet[0] ?? "not checked";
    const kind = first.split(/[:\d<>]/)[0]!.trim();
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}
