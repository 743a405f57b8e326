import { memo } from "react";
import type { Sensitive } from "../bindings/Sensitive";
import { kindLabel } from "../redaction";
import { Kbd } from "./Badges";

/** Where the findings are: an answer item's answer as shown and the rest, a comparison's candidates (and edit) and the rest, or sample rows. */
export type FindingsWhere =
  | { kind: "answer"; inAnswer: number; elsewhere: number; redactKey: string | null; onRedact: () => void }
  | { kind: "candidates"; inCandidates: number; elsewhere: number }
  | { kind: "samples" };

interface PrivacyFindingsProps {
  /** Every finding in the item as shown. */
  sensitive: readonly Sensitive[];
  where: FindingsWhere;
}

/** What the privacy screen found in the item, and what the reviewer can do about it. */
export const PrivacyFindings = memo(function PrivacyFindings({ sensitive, where }: PrivacyFindingsProps) {
  const counted = where.kind === "answer" ? where.inAnswer + where.elsewhere : where.kind === "candidates" ? where.inCandidates + where.elsewhere : sensitive.length;
  if (counted === 0) return null;
  const kinds = [...new Set(sensitive.map((s) => kindLabel(s.kind)))].join(", ");
  const note = (
    <span className="muted"> The export&apos;s privacy screen replaces them too; “Do not train” keeps the item out of training files.</span>
  );
  return (
    <section className="privacy-findings" role="note" data-testid="privacy-findings" data-count={counted}>
      {where.kind === "samples" ? (
        <>
          <span>
            Personal data or secrets in the sample rows ({kinds}): {counted}, marked below.
          </span>
          {note}
        </>
      ) : where.kind === "candidates" ? (
        <>
          <span>
            Personal data or secrets found ({kinds}): {where.inCandidates} in the candidates
            {where.elsewhere > 0 && `, ${where.elsewhere} in the question or evidence`}. Marked below.
          </span>
          {note}
        </>
      ) : (
        <>
          <span>
            Personal data or secrets found ({kinds}): {where.inAnswer} in the answer
            {where.elsewhere > 0 && `, ${where.elsewhere} in the question or evidence`}. Marked below.
          </span>
          {where.inAnswer > 0 ? (
            <button type="button" className="button button-small" data-testid="redact" onClick={where.onRedact}>
              Redact the answer&apos;s into an edit {where.redactKey !== null && <Kbd>{where.redactKey}</Kbd>}
            </button>
          ) : (
            note
          )}
        </>
      )}
    </section>
  );
});
