import type { Decision } from "../bindings/Decision";
import type { RejectReason } from "../bindings/RejectReason";

const ACTION_LABEL = { approve: "approved", edit: "edited", reject: "rejected" } as const;

function formatTime(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : time.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function DecisionHistory({ history, reasons }: { history: Decision[]; reasons: RejectReason[] }) {
  const reasonLabel = (id: string) => reasons.find((reason) => reason.id === id)?.label ?? id;
  return (
    <section className="history" aria-label="Decision history">
      <h3 className="label">
        History <span className="label-count">{history.length}</span>
      </h3>
      {history.length === 0 ? (
        <p className="muted">No decisions yet.</p>
      ) : (
        <ol className="history-list">
          {history.map((decision) => (
            <li key={decision.id} className="history-entry">
              <time className="history-time" dateTime={decision.decided_at} title={decision.decided_at}>
                {formatTime(decision.decided_at)}
              </time>
              <span className="history-who">{decision.reviewer}</span>
              <span className={`history-action status-${ACTION_LABEL[decision.action]}`}>{ACTION_LABEL[decision.action]}</span>
              <span className="history-detail">
                {decision.reason !== null && <span className="history-reason">{reasonLabel(decision.reason)}</span>}
                {decision.note !== null && <span className="history-note">{decision.note}</span>}
                <span className="history-version">v{decision.item_version}</span>
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
