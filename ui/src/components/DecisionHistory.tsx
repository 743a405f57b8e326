// The history panel: every event in the log — who, when, what changed. Edits show their diff
// against the model's text they correct; reverts name the entry they undo or redo; undone
// entries are struck.
import { memo } from "react";
import type { Decision } from "../bindings/Decision";
import type { ItemBody } from "../bindings/ItemBody";
import type { RejectReason } from "../bindings/RejectReason";
import { pickText } from "../comparisonPicks";
import { cancelledIds } from "../history";
import { EditDiff } from "./DiffView";
import { SafeText } from "./SafeText";

const ACTION_LABEL = { approve: "approved", edit: "edited", reject: "rejected", needs_sme: "needs SME", revert: "reverted" } as const;
const ACTION_CLASS = { approve: "approved", edit: "edited", reject: "rejected", needs_sme: "needs_sme", revert: "pending" } as const;

function formatTime(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : time.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

interface DecisionHistoryProps {
  history: Decision[];
  reasons: RejectReason[];
  /** The item's content, to diff text edits against (`textEdit`). */
  body: ItemBody;
  /** Decision id → id of the guideline made from its note. */
  promoted: ReadonlyMap<string, number>;
  /** Makes a guideline of the domain from the decision's note. */
  onPromote: (decisionId: string) => void;
}

export const DecisionHistory = memo(function DecisionHistory({ history, reasons, body, promoted, onPromote }: DecisionHistoryProps) {
  const reasonLabel = (id: string) => reasons.find((reason) => reason.id === id)?.label ?? id;
  const cancelled = cancelledIds(history);
  const describeRevert = (targetId: string) => {
    const target = history.find((e) => e.id === targetId);
    if (target === undefined) return "an earlier entry";
    return target.action === "revert" ? "redo of an undone decision" : `undo of “${ACTION_LABEL[target.action]}” by ${target.reviewer}`;
  };
  return (
    <section className="history" aria-label="Decision history" data-testid="history">
      <h3 className="label">
        History <span className="label-count">{history.length}</span>
      </h3>
      {history.length === 0 ? (
        <p className="muted">No decisions yet.</p>
      ) : (
        <ol className="history-list">
          {history.map((decision) => (
            <li
              key={decision.id}
              className={cancelled.has(decision.id) ? "history-entry history-cancelled" : "history-entry"}
              data-testid="history-entry"
              data-action={decision.action}
              data-cancelled={cancelled.has(decision.id)}
            >
              <time className="history-time" dateTime={decision.decided_at} title={decision.decided_at}>
                {formatTime(decision.decided_at)}
              </time>
              <span className="history-who">
                <SafeText text={decision.reviewer} />
              </span>
              <span className={`history-action status-${ACTION_CLASS[decision.action]}`}>{ACTION_LABEL[decision.action]}</span>
              <span className="history-detail">
                {decision.reverts !== null && <span className="history-note">{describeRevert(decision.reverts)}</span>}
                {decision.pick !== null && (
                  <span className="history-reason" data-testid="history-pick">
                    {pickText(decision.pick)}
                  </span>
                )}
                {decision.reason !== null && <span className="history-reason">{reasonLabel(decision.reason)}</span>}
                {decision.note !== null && (
                  <span className="history-note">
                    <SafeText text={decision.action === "needs_sme" ? `Q: ${decision.note}` : decision.note} />
                  </span>
                )}
                {decision.note !== null &&
                  (promoted.has(decision.id) ? (
                    <span className="history-version" data-testid="history-promoted">
                      guideline #{promoted.get(decision.id)}
                    </span>
                  ) : (
                    <button type="button" className="link-button" onClick={() => onPromote(decision.id)} data-testid="history-promote">
                      Make guideline
                    </button>
                  ))}
                {decision.edit_distance !== null && <span className="history-version">{decision.edit_distance} word edits</span>}
                <span className="history-version">v{decision.item_version}</span>
              </span>
              <EditDiff body={body} decision={decision} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
});
