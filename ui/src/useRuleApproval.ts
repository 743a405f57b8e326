// The approve-by-rule dialog's state over the graph (transitions in ruleApproval.ts). Checking
// asks the core for a plan (read only); approving records exactly that plan, which the shell
// kept, as one undoable step.
import { useCallback, useRef, useState } from "react";
import * as api from "./api";
import { newDecisionId } from "./ids";
import { latestOnly } from "./latestOnly";
import { approveFailed, checked, failed, initialDraft, nextStep, ruleEdited, started, type RuleDraft } from "./ruleApproval";

export function useRuleApproval(onApproved: (count: number, rule: string) => void) {
  const [draft, setDraft] = useState<RuleDraft>(() => initialDraft());
  // A reply to a check made before the dialog was reset (closed, another domain) is dropped.
  const requests = useRef(latestOnly());

  /** A fresh dialog, keeping the rule last typed. */
  const reset = useCallback(() => {
    requests.current.begin();
    setDraft((d) => initialDraft(d.rule));
  }, []);

  /** Enter: check the rule as typed (for `domain`, or all), or approve what was checked. */
  const submit = (domain: string | null) => {
    const step = nextStep(draft);
    const message = (thrown: unknown) => api.toCallError(thrown).message;
    const isLatest = requests.current.begin();
    if (step === "check") {
      const rule = draft.rule;
      setDraft(started);
      api.planRuleApproval(rule, domain).then(
        (plan) => isLatest() && setDraft(checked(rule, plan)),
        (thrown: unknown) => isLatest() && setDraft(failed(message(thrown))),
      );
    } else if (step === "approve" && draft.plan !== null) {
      const rule = draft.plan.rule;
      setDraft(started);
      api.approveByRule(newDecisionId(), rule).then(
        (count) => {
          setDraft((d) => initialDraft(d.rule));
          onApproved(count, rule);
        },
        (thrown: unknown) => setDraft(approveFailed(message(thrown))),
      );
    }
  };

  return { draft, reset, submit, edit: (rule: string) => setDraft(ruleEdited(rule)) };
}

export type RuleApproval = ReturnType<typeof useRuleApproval>;
