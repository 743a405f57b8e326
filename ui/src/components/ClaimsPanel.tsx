import type { ClaimVerdict } from "../bindings/ClaimVerdict";
import { VERDICT_DIGITS, VERDICT_LABEL, verdictGiven, type ClaimDraft } from "../claimChecks";
import { GROUNDING_EXPLANATION } from "../grounding";
import { visibleText } from "../invisibles";
import { Kbd } from "./Badges";
import { SafeText } from "./SafeText";

export interface ClaimsPanelProps {
  claims: ClaimDraft;
  /** Changes the claims (a click focuses a claim and starts checking, a button gives a verdict). */
  onChange: (change: (draft: ClaimDraft) => ClaimDraft) => void;
  /** The key that starts checking, as shown; null when unbound. */
  claimsKey: string | null;
  /** The domain asks before approving with unsupported or contradicted claims. */
  confirmApprove: boolean;
  onConfirmApprove: (on: boolean) => void;
  /** The claim whose support is highlighted in the evidence (hovered, else focused while checking). */
  onHighlight: (index: number | null) => void;
}

const MARK: Record<ClaimVerdict, string> = { supported: "✓", unsupported: "?", contradicted: "✗", "not-checkable": "–" };

/**
 * The answer's claims (split by the core), each with its lexical grounding hint and, once checked,
 * the reviewer's verdict and the evidence it links. Keyboard first (claimChecks.ts); the buttons are
 * the mouse path.
 */
export function ClaimsPanel({ claims, onChange, claimsKey, confirmApprove, onConfirmApprove, onHighlight }: ClaimsPanelProps) {
  const { rows, focused, active } = claims;
  const withoutSupport = rows.filter((row) => row.support.length === 0).length;
  const checked = rows.filter((row) => row.verdict !== null).length;
  const focus = (index: number) => onChange((draft) => ({ ...draft, focused: index, active: true }));
  // As the digit keys do: the hint of a supported claim is linked and the focus moves on.
  const give = (index: number, verdict: ClaimVerdict) => onChange((draft) => verdictGiven({ ...draft, focused: index, active: true }, verdict));
  return (
    <section className={active ? "block claims claims-active" : "block claims"} aria-label="Claims" data-testid="claims" data-active={active}>
      <h3 className="label" title={GROUNDING_EXPLANATION}>
        Claims{" "}
        <span className="label-count" data-testid="claims-count">
          {withoutSupport} without lexical support · {checked} of {rows.length} checked
        </span>
        {!active && claimsKey !== null && (
          <span className="claims-start">
            check them <Kbd>{claimsKey}</Kbd>
          </span>
        )}
      </h3>
      {active && (
        <p className="claims-legend" data-testid="claims-legend">
          {VERDICT_DIGITS.map(([digit, verdict]) => (
            <span key={verdict}>
              <Kbd>{digit}</Kbd> {VERDICT_LABEL[verdict]}
            </span>
          ))}
          <span>
            <Kbd>L</Kbd> link the selected evidence (or the hint)
          </span>
          <span>
            <Kbd>M</Kbd> merge with the next
          </span>
          <span>
            <Kbd>B</Kbd> split
          </span>
          <span>
            <Kbd>Esc</Kbd> done
          </span>
        </p>
      )}
      <ol className="claims-list">
        {rows.map((row, i) => (
          <li
            key={`${row.start}-${row.end}`}
            className={`claim ${row.support.length > 0 ? "supported" : "unsupported"}${active && i === focused ? " active" : ""}`}
            data-testid="claim"
            data-claim-index={i}
            data-verdict={row.verdict ?? ""}
            data-hinted={row.support.length > 0}
            onMouseEnter={() => onHighlight(i)}
            onMouseLeave={() => onHighlight(null)}
          >
            <span
              className="grounding-marker"
              title={
                row.support.length > 0
                  ? visibleText(`Shares ${row.support[0]?.shared.join(", ")} with ${row.support.map((s) => s.passage).join(", ")}. ${GROUNDING_EXPLANATION}`)
                  : `No passage shares half of this claim's content words. ${GROUNDING_EXPLANATION}`
              }
            >
              {row.support.length > 0 ? "✓" : "?"}
            </span>
            <span className="claim-text" onClick={() => focus(i)}>
              <SafeText text={row.text} />
            </span>
            <span className="claim-verdicts" role="group" aria-label={`Verdict on claim ${i + 1}`}>
              {VERDICT_DIGITS.map(([, verdict]) => (
                <button
                  key={verdict}
                  type="button"
                  className={row.verdict === verdict ? `claim-verdict chosen verdict-${verdict}` : "claim-verdict"}
                  title={VERDICT_LABEL[verdict]}
                  aria-pressed={row.verdict === verdict}
                  onClick={() => give(i, verdict)}
                >
                  {MARK[verdict]}
                </button>
              ))}
            </span>
            {row.spans.length > 0 && (
              <span className="claim-links" data-testid="claim-links">
                {row.spans.map((span) => (
                  <span key={`${span.passage}:${span.start}`} className="claim-link" title={visibleText(span.text)}>
                    <SafeText text={span.passage} /> «<SafeText text={Array.from(span.text).length > 60 ? `${Array.from(span.text).slice(0, 60).join("")}…` : span.text} />»
                  </span>
                ))}
              </span>
            )}
          </li>
        ))}
      </ol>
      <label className="claims-setting">
        <input type="checkbox" data-testid="claims-confirm" checked={confirmApprove} onChange={(event) => onConfirmApprove(event.target.checked)} /> Ask before
        approving an answer
        with unsupported or contradicted claims in this domain
      </label>
    </section>
  );
}
