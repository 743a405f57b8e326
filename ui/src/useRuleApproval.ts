// The approve-by-rule dialog's state over the graph (transitions in ruleApproval.ts). Checking
// asks the core for a plan (read only); approving records exactly that plan, which the shell
// kept, as one undoable step.
import { useCallback, useState } from "react";
import * as api from "./api";
import { newDecisionId } from "./ids";
import { checked, failed, initialDraft, nextStep, ruleEdited, started, type RuleDraft } from "./ruleApproval";

export function useRuleApproval(onApproved: (count: number, rule: string) => void) {
  const [draft, setDraft] = useState<RuleDraft>(() => initialDraft());

  /** A fresh dialog, keeping the rule last typed. */
  const reset = useCallback(() => setDraft((d) => initialDraft(d.rule)), []);

  /** Enter: check the rule as typed (for `domain`, or all), or approve what was checked. */
  const submit = (domain: string | null) => {
    const step = nextStep(draft);
    const fail = (thrown: unknown) => setDraft(failed(api.toCallError(thrown).message));
    if (step === "check") {
      const rule = draft.rule;
      setDraft(started);
      api.planRuleApproval(rule, domain).then((plan) => setDraft(checked(rule, plan)), fail);
    } else if (step === "approve" && draft.plan !== null) {
      const rule = draft.plan.rule;
      setDraft(started);
      api.approveByRule(newDecisionId(), rule).then((count) => {
        setDraft(initialDraft(draft.rule));
        onApproved(count, rule);
      }, fail);
    }
  };

  return { draft, reset, submit, edit: (rule: string) => setDraft(ruleEdited(rule)) };
}

export type RuleApproval = ReturnType<typeof useRuleApproval>;
