import type { Assessment } from "../bindings/Assessment";
import { SafeText } from "./SafeText";

/**
 * The relate model's judgement of a candidate it did not propose (`vetted relate --rank`): how
 * likely the relation holds and why. Context for the reviewer, never a decision; its text is
 * model output, so it is shown as plain text.
 */
export function AssessmentPanel({ assessment }: { assessment: Assessment }) {
  return (
    <section className="vetting assessment" aria-label="Relate model's judgement">
      <header className="vetting-header">
        <span className="label">Relate model</span>
        <span className="vetting-score">likely {Math.round(assessment.confidence * 100)}%</span>
        <span className="vetting-model mono">
          <SafeText text={assessment.model} />
        </span>
      </header>
      <p className="assessment-rationale">
        <SafeText text={assessment.rationale} />
      </p>
    </section>
  );
}
