import { GROUNDING_EXPLANATION, type SentenceGrounding } from "../grounding";
import { visibleText } from "../invisibles";
import { SafeText } from "./SafeText";

interface GroundingHintsProps {
  groundings: SentenceGrounding[];
  /** Index of the sentence whose support is highlighted in the evidence. */
  active: number | null;
  onActivate: (index: number | null) => void;
}

/** Each answer sentence with its lexical support; unsupported sentences are flagged first to the eye. */
export function GroundingHints({ groundings, active, onActivate }: GroundingHintsProps) {
  const unsupported = groundings.filter((g) => !g.supported).length;
  return (
    <section className="block grounding" aria-label="Grounding hints" data-testid="grounding">
      <h3 className="label" title={GROUNDING_EXPLANATION}>
        Grounding hints <span className="label-count">{unsupported} without lexical support</span>{" "}
        <span className="hint-icon" aria-label={GROUNDING_EXPLANATION}>
          (how?)
        </span>
      </h3>
      <ol className="grounding-list">
        {groundings.map((g, i) => (
          <li
            key={i}
            className={`grounding-sentence ${g.supported ? "supported" : "unsupported"}${active === i ? " active" : ""}`}
            data-testid="grounding-sentence"
            data-supported={g.supported}
            title={g.supported ? visibleText(`Shares ${g.support[0]?.shared.join(", ")} with ${g.support.map((s) => s.passageId).join(", ")}. ${GROUNDING_EXPLANATION}`) : `No passage shares half of this sentence's content words. ${GROUNDING_EXPLANATION}`}
            tabIndex={0}
            onMouseEnter={() => onActivate(i)}
            onMouseLeave={() => onActivate(null)}
            onFocus={() => onActivate(i)}
            onBlur={() => onActivate(null)}
          >
            <span className="grounding-marker" aria-hidden="true">
              {g.supported ? "✓" : "?"}
            </span>
            <span className="grounding-text">
              <SafeText text={g.sentence} />
            </span>
            {g.supported && (
              <span className="grounding-source">
                <SafeText text={g.support.map((s) => s.passageId).join(", ")} />
              </span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
