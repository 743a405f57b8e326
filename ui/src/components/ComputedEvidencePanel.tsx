import { useContext, useEffect, useState } from "react";
import { relationshipEvidence } from "../api";
import type { CallError } from "../api";
import type { RelationshipEvidence } from "../bindings/RelationshipEvidence";
import { EvidenceRevision } from "../evidenceRevision";
import { visibleText } from "../invisibles";
import { SafeText } from "./SafeText";


interface ComputedEvidencePanelProps {
  externalId: string;
  /** Reloads when a decision (e.g. an edited mapping) bumps the item version, and when the
   * registered products change ({@link EvidenceRevision}). */
  version: number;
}

const percent = (share: number | null): string => (share === null ? "–" : `${Math.round(share * 1000) / 10}%`);

/** Figures Vetted computed from the data itself — not the model's claims. */
export function ComputedEvidencePanel({ externalId, version }: ComputedEvidencePanelProps) {
  const [evidence, setEvidence] = useState<RelationshipEvidence | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const productsRevision = useContext(EvidenceRevision);

  useEffect(() => {
    let current = true;
    setEvidence(null);
    setError(null);
    relationshipEvidence(externalId).then(
      (loaded) => current && setEvidence(loaded),
      (failed: CallError) => current && setError(failed),
    );
    return () => {
      current = false;
    };
  }, [externalId, version, productsRevision]);

  if (error !== null) {
    return (
      <section className="computed-evidence" data-testid="computed-evidence">
        <div className="label">Computed evidence</div>
        <p className="muted">
          Could not compute: <SafeText text={error.message} />
        </p>
      </section>
    );
  }
  if (evidence === null) return null;

  const cardinalityMismatch =
    evidence.observed_cardinality !== null && evidence.observed_cardinality !== evidence.claimed_cardinality;
  const containmentTone =
    evidence.containment === null ? "" : evidence.containment >= 0.99 ? "good" : evidence.containment >= 0.9 ? "warn" : "bad";
  return (
    <section className="computed-evidence" data-testid="computed-evidence" aria-label="Evidence computed from the data">
      <header className="computed-header">
        <span className="label">Computed evidence</span>
        <span className="muted small" title={evidence.source_basis.fallback_reason === null ? undefined : visibleText(evidence.source_basis.fallback_reason)}>
          <SafeText text={`${evidence.source_basis.label} · ${evidence.target_basis.label}`} />
        </span>
      </header>
      <dl className="figures">
        <Figure
          name="Containment"
          tone={containmentTone}
          value={percent(evidence.containment)}
          detail={`${evidence.matched_distinct} of ${evidence.source_distinct} distinct source values found in the target`}
          testId="figure-containment"
        />
        <Figure
          name="Orphans"
          tone={evidence.orphan_rows === 0 ? "good" : "bad"}
          value={percent(evidence.orphan_rate)}
          detail={`${evidence.orphan_rows} of ${evidence.source_rows_with_key} source rows point nowhere${
            evidence.orphan_examples.length > 0 ? ` (e.g. ${evidence.orphan_examples.join(", ")})` : ""
          }`}
        />
        <Figure
          name="Target is a key"
          tone={evidence.target_unique ? "good" : "bad"}
          value={evidence.target_unique ? "unique" : "not unique"}
          detail={
            evidence.target_declared_key === null
              ? "target not registered: declared keys unknown"
              : evidence.target_declared_key
                ? "declared primary or unique key"
                : "not a declared key"
          }
        />
        <Figure
          name="Cardinality"
          tone={cardinalityMismatch ? "bad" : "good"}
          value={`${evidence.observed_cardinality ?? "–"} observed`}
          detail={`${evidence.claimed_cardinality} claimed`}
        />
        <Figure
          name="Target coverage"
          tone=""
          value={percent(evidence.target_coverage)}
          detail="share of target keys the source refers to"
        />
      </dl>
      <table className="pair-figures">
        <thead>
          <tr>
            <th>Pair</th>
            <th>Types</th>
            <th>Name similarity</th>
          </tr>
        </thead>
        <tbody>
          {evidence.pairs.map((pair) => (
            <tr key={`${pair.source_field}→${pair.target_field}`}>
              <td className="mono">
                <SafeText text={`${pair.source_field} → ${pair.target_field}`} />
              </td>
              <td className={`type-${pair.type_match}`}>
                <SafeText text={`${pair.source_type ?? "?"} / ${pair.target_type ?? "?"} (${pair.type_match})`} />
              </td>
              <td>{pair.name_similarity.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {(evidence.conflicts.length > 0 || evidence.cautions.length > 0) && (
        <ul className="cautions">
          {evidence.conflicts.map((conflict) => (
            <li key={`${conflict.kind}-${conflict.other_item}`} className="bad">
              <SafeText text={`Conflict with ${conflict.other_item}: ${conflict.message}`} />
            </li>
          ))}
          {evidence.cautions.map((caution) => (
            <li key={caution}>
              <SafeText text={caution} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Figure({ name, value, detail, tone, testId }: { name: string; value: string; detail: string; tone: string; testId?: string }) {
  return (
    <div className={`figure ${tone}`} data-testid={testId}>
      <dt>{name}</dt>
      <dd>
        <span className="figure-value">{value}</span>
        <span className="figure-detail">
          <SafeText text={detail} />
        </span>
      </dd>
    </div>
  );
}
