import { memo } from "react";
import type { Sensitive } from "../bindings/Sensitive";
import { kindLabel } from "../redaction";
import { Kbd } from "./Badges";

interface PrivacyFindingsProps {
  /** Every finding in the item as shown. */
  sensitive: readonly Sensitive[];
  /** How many of them are in the answer as shown (the ones redacting replaces). */
  inAnswer: number;
  /** How many are in the question or the evidence (redacting cannot reach them). */
  elsewhere: number;
  /** The key that redacts, as shown to the reviewer; null when unbound. */
  redactKey: string | null;
  onRedact: () => void;
}

/** What the privacy screen found in the item, and the way to redact the answer's findings. */
export const PrivacyFindings = memo(function PrivacyFindings({ sensitive, inAnswer, elsewhere, redactKey, onRedact }: PrivacyFindingsProps) {
  if (inAnswer + elsewhere === 0) return null;
  const kinds = [...new Set(sensitive.map((s) => kindLabel(s.kind)))].join(", ");
  return (
    <section className="privacy-findings" role="note" data-testid="privacy-findings" data-count={sensitive.length}>
      <span>
        Personal data or secrets found ({kinds}): {inAnswer} in the answer
        {elsewhere > 0 && `, ${elsewhere} in the question or evidence`}. Marked below.
      </span>
      {inAnswer > 0 && (
        <button type="button" className="button button-small" data-testid="redact" onClick={onRedact}>
          Redact the answer's into an edit {redactKey !== null && <Kbd>{redactKey}</Kbd>}
        </button>
      )}
      {inAnswer === 0 && <span className="muted"> Not in the answer: consider “Do not train”.</span>}
    </section>
  );
});
