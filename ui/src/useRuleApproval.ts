// The approve-by-rule dialog's state over the graph (transitions in ruleApproval.ts). Checking
// runs as a job in the shell (its own connection, progress, cancel; read only) and then fetches
// the plan it made; approving records exactly that plan, which the shell kept, as one undoable
// step.
import { useCallback, useRef, useState } from "react";
import * as api from "./api";
import type { JobEvent } from "./bindings/JobEvent";
import { newDecisionId } from "./ids";
import { latestOnly } from "./latestOnly";
import { approveFailed, checked, failed, initialDraft, nextStep, progressed, ruleEdited, started, type RuleDraft } from "./ruleApproval";

export function useRuleApproval(onApproved: (count: number, rule: string) => void) {
  const [draft, setDraft] = useState<RuleDraft>(() => initialDraft());
  // Events and replies of a check started before the dialog was reset (closed, another domain)
  // are dropped, and that check is cancelled.
  const requests = useRef(latestOnly());
  const job = useRef<number | null>(null);

  /** Cancels the running check, if any. */
  const stop = useCallback(() => {
    requests.current.begin();
    if (job.current !== null) void api.cancelJob(job.current);
    job.current = null;
  }, []);

  /** A fresh dialog, keeping the rule last typed. */
  const reset = useCallback(() => {
    stop();
    setDraft((d) => initialDraft(d.rule));
  }, [stop]);

  /** Enter: check the rule as typed (for `domain`, or all), or approve what was checked. */
  const submit = (domain: string | null) => {
    const step = nextStep(draft);
    const message = (thrown: unknown) => api.toCallError(thrown).message;
    if (step === "check") {
      stop();
      const isLatest = requests.current.begin();
      const rule = draft.rule;
      setDraft(started);
      const onEvent = (event: JobEvent) => {
        if (!isLatest()) return;
        if (event.type === "progress") {
          setDraft(progressed(event.done, event.total));
          return;
        }
        job.current = null;
        if (event.type === "failed") {
          setDraft(failed(event.code === "cancelled" ? "The check was cancelled." : event.message));
          return;
        }
        api.shownRulePlan().then(
          (plan) => isLatest() && setDraft(plan === null ? failed("The check's result is gone; check again.") : checked(rule, plan)),
          (thrown: unknown) => isLatest() && setDraft(failed(message(thrown))),
        );
      };
      api.startRuleCheck(rule, domain, onEvent).then(
        (id) => {
          if (isLatest()) job.current = id;
          else void api.cancelJob(id);
        },
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

  return { draft, reset, stop, submit, edit: (rule: string) => setDraft(ruleEdited(rule)) };
}

export type RuleApproval = ReturnType<typeof useRuleApproval>;
