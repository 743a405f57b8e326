// Approve by rule, over the graph: a rule over the computed evidence, a check that lists what it
// would approve and why the rest is left, then one step that approves them all (Ctrl+Z takes it
// back). Item titles come from data and models: text only.
import { useEffect, useRef } from "react";
import { leftReasons, nextStep, planSummary } from "../../ruleApproval";
import type { RuleApproval } from "../../useRuleApproval";
import { Kbd } from "../Badges";
import { Dialog } from "../Dialog";
import { SafeText } from "../SafeText";

interface RuleApprovalDialogProps {
  approval: RuleApproval;
  /** The graph's domain filter: the candidates considered. */
  domain: string | null;
  onCancel: () => void;
}

const SHOWN = 12;

export function RuleApprovalDialog({ approval, domain, onCancel }: RuleApprovalDialogProps) {
  const { draft } = approval;
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.focus(), []);
  const step = nextStep(draft);
  const plan = draft.checked === draft.rule ? draft.plan : null;
  return (
    <Dialog titleId="rule-title" title="Approve by rule" testId="rule-dialog" className="dialog-wide" onDismiss={onCancel}>
      <p className="dialog-hint">
        Candidates waiting for you {domain === null ? "in every domain" : <>in <SafeText text={domain} /></>} whose computed evidence meets every clause
        are approved in your name, each noting the rule. One <Kbd>Ctrl+Z</Kbd> takes them all back.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          approval.submit(domain);
        }}
      >
        <label className="field">
          <span className="field-label">Rule</span>
          <input
            ref={field}
            className="input mono"
            data-testid="rule-text"
            value={draft.rule}
            readOnly={draft.busy}
            spellCheck={false}
            onChange={(event) => approval.edit(event.target.value)}
          />
          <span className="muted small">containment&gt;=N%, orphans&lt;=N%, names&gt;=N%, target-key, target-unique, types-match, no-cautions — all must hold</span>
        </label>
        {draft.busy && draft.progress !== null && (
          <p className="muted small" data-testid="rule-progress" aria-live="polite">
            Checking {draft.progress.done.toLocaleString()}
            {draft.progress.total === null ? "" : ` of ${draft.progress.total.toLocaleString()}`} candidates…{" "}
            {draft.progress.total !== null && <progress value={draft.progress.done} max={draft.progress.total} />}
          </p>
        )}
        {draft.error !== null && (
          <p className="rule-error" role="alert" data-testid="rule-error">
            <SafeText text={draft.error} />
          </p>
        )}
        {plan !== null && (
          <div className="rule-plan" data-testid="rule-plan" aria-live="polite">
            <p data-testid="rule-summary">{planSummary(plan)}</p>
            {plan.approve.length > 0 && (
              <ul className="rule-list">
                {plan.approve.slice(0, SHOWN).map((c) => (
                  <li key={c.item} className="mono small">
                    <SafeText text={c.title} />
                  </li>
                ))}
                {plan.approve.length > SHOWN && <li className="muted small">and {plan.approve.length - SHOWN} more</li>}
              </ul>
            )}
            {plan.leave.length > 0 && (
              <p className="muted small" data-testid="rule-left">
                Left for review:{" "}
                {leftReasons(plan)
                  .map(({ reason, count }) => `${count} × ${reason}`)
                  .join(" · ")}
              </p>
            )}
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onCancel}>
            {draft.busy ? "Stop and close" : "Cancel"} <Kbd>Esc</Kbd>
          </button>
          {/* One submit button, so Enter in the rule field always does the next step. */}
          <button type="submit" className="button button-primary" data-testid="rule-submit" disabled={step === null}>
            {step === "check" ? "Check" : plan === null || plan.approve.length === 0 ? "Approve" : `Approve ${plan.approve.length}`} <Kbd>Enter</Kbd>
          </button>
        </div>
      </form>
    </Dialog>
  );
}
