// The reviews that disagree on an item, side by side, for the adjudicator: who decided what,
// with reasons and notes, and text edits as diffs against the model's text they correct. The
// adjudicator's own A / E / R then records the final decision.
import { useEffect, useState } from "react";
import type { AdjudicationCase } from "../bindings/AdjudicationCase";
import type { ItemBody } from "../bindings/ItemBody";
import type { CallError } from "../api";
import type { RejectReason } from "../bindings/RejectReason";
import * as api from "../api";
import { pickText } from "../comparisonPicks";
import { EditDiff } from "./DiffView";
import { SafeText } from "./SafeText";

const ACTION_LABEL = { approve: "approved", edit: "edited", reject: "rejected", needs_sme: "needs SME", revert: "reverted" } as const;

interface AdjudicationPanelProps {
  externalId: string;
  /** Bumped when the item changed, to reload its reviews. */
  version: number;
  reasons: RejectReason[];
  /** The item's content, to diff text edits against. */
  body: ItemBody;
}

export function AdjudicationPanel({ externalId, version, reasons, body }: AdjudicationPanelProps) {
  const [shown, setShown] = useState<{ id: string; case: AdjudicationCase } | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  useEffect(() => {
    let superseded = false;
    api.adjudicationCase(externalId).then(
      (loaded) => !superseded && setShown({ id: externalId, case: loaded }),
      (thrown: unknown) => !superseded && setError(api.toCallError(thrown)),
    );
    return () => {
      superseded = true;
    };
  }, [externalId, version]);
  const reasonLabel = (id: string) => reasons.find((r) => r.id === id)?.label ?? id;
  if (error !== null) return <p className="muted" role="alert">{error.message}</p>;
  const decisions = shown?.id === externalId ? shown.case.decisions : null;
  return (
    <section className="adjudication" aria-label="Reviews to adjudicate" data-testid="adjudication">
      <h3 className="label">
        Reviews disagree <span className="label-count">{decisions?.length ?? "…"}</span>
      </h3>
      <p className="muted">Your decision ({body.kind === "comparison" ? `1–${body.candidates.length} or = to pick` : "A"}, E or R) is final and is what export uses.</p>
      <div className="adjudication-columns">
        {(decisions ?? []).map((d) => (
          <article key={d.id} className="adjudication-review" data-testid="adjudication-review" data-reviewer={d.reviewer} data-action={d.action}>
            <header className="adjudication-who">
              <strong>
                <SafeText text={d.reviewer} />
              </strong>{" "}
              <span className={`history-action status-${d.action === "revert" ? "pending" : d.action}`}>{ACTION_LABEL[d.action]}</span>
            </header>
            {d.pick !== null && (
              <p className="history-reason" data-testid="adjudication-pick">
                {pickText(d.pick)}
              </p>
            )}
            {d.reason !== null && <p className="history-reason">{reasonLabel(d.reason)}</p>}
            {d.note !== null && (
              <p className="history-note">
                <SafeText text={d.note} />
              </p>
            )}
            <EditDiff body={body} decision={d} />
          </article>
        ))}
      </div>
    </section>
  );
}
