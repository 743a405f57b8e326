import type { Relation } from "../bindings/Relation";
import { ConfidenceMeter } from "./ConfidenceMeter";
import { visibleText } from "../invisibles";
import { SafeText } from "./SafeText";

interface RelationSummaryProps {
  title: string;
  relation: Relation;
  source: string;
  target: string;
  edited?: boolean;
  rationale?: string;
  confidence?: number | null;
}

export function RelationSummary({ title, relation, source, target, edited = false, rationale, confidence }: RelationSummaryProps) {
  return (
    <section className={edited ? "relation relation-edited" : "relation"}>
      <header className="relation-header">
        <h3 className={edited ? "label label-edited" : "label"}>{title}</h3>
        <span className="chip mono" title={visibleText(relation.type)}>
          <SafeText text={relation.type} />
        </span>
        <span className="chip chip-strong mono" title="Cardinality: source rows to target rows">
          {relation.cardinality}
        </span>
        {confidence !== undefined && confidence !== null && <ConfidenceMeter value={confidence} />}
      </header>
      <ul className="mapping">
        {relation.mapping.map((pair, i) => (
          <li key={i} className="mapping-pair mono">
            <span>
              <span className="mapping-product">
                <SafeText text={source} />.
              </span>
              <SafeText text={pair.source_field} />
            </span>
            <span className="mapping-arrow" aria-label="maps to">
              →
            </span>
            <span>
              <span className="mapping-product">
                <SafeText text={target} />.
              </span>
              <SafeText text={pair.target_field} />
            </span>
          </li>
        ))}
      </ul>
      {rationale !== undefined && rationale !== "" && <p className="rationale">
          <SafeText text={rationale} />
        </p>}
    </section>
  );
}
