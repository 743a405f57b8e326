import type { Evidence } from "../bindings/Evidence";
import type { EvidenceSpan } from "../bindings/EvidenceSpan";
import type { Sensitive } from "../bindings/Sensitive";
import { passageFindings } from "../redaction";
import { EvidencePassage } from "./EvidencePassage";

interface EvidenceColumnProps {
  evidence: readonly Evidence[];
  /** The privacy screen's findings in the item (`Item.sensitive`). */
  sensitive: readonly Sensitive[];
  /** The passage a citation was just followed to, if any. */
  citedId: string | null;
  /** Words of the active answer sentence found in the passage. */
  highlightFor: (passageId: string) => ReadonlySet<string>;
  /** Spans of the passage linked to the claim being checked. */
  linkedFor: (passageId: string) => readonly EvidenceSpan[];
}

/** The passages the model was given, beside what it answered (an answer's, a comparison's). */
export function EvidenceColumn({ evidence, sensitive, citedId, highlightFor, linkedFor }: EvidenceColumnProps) {
  return (
    <aside className="evidence-column" aria-label="Evidence">
      <h3 className="label">
        Evidence <span className="label-count">{evidence.length}</span>
      </h3>
      {evidence.length === 0 ? (
        <p className="muted">The model was given no passages.</p>
      ) : (
        evidence.map((passage) => (
          <EvidencePassage
            key={passage.id}
            passage={passage}
            cited={passage.id === citedId}
            highlight={highlightFor(passage.id)}
            linked={linkedFor(passage.id)}
            sensitive={passageFindings(sensitive, passage.id)}
          />
        ))
      )}
    </aside>
  );
}
