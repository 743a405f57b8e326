import type { Vetting } from "../bindings/Vetting";
import { VerdictPill } from "./Badges";
import { SafeText } from "./SafeText";

/** The second model's opinion: context for the reviewer, never a decision. */
export function VettingPanel({ vetting }: { vetting: Vetting }) {
  return (
    <section className={`vetting vetting-${vetting.verdict}`} aria-label="Vetting model opinion">
      <header className="vetting-header">
        <span className="label">Vetting</span>
        <VerdictPill verdict={vetting.verdict} />
        {vetting.score !== null && <span className="vetting-score">score {vetting.score.toFixed(2)}</span>}
        <span className="vetting-model mono">
          <SafeText text={vetting.model} />
        </span>
        {vetting.prompt !== undefined && (
          <span className="vetting-prompt mono muted" data-testid="vetting-prompt" title="The prompt version that produced this verdict (Models ▸ Prompts)">
            <SafeText text={vetting.prompt} />
          </span>
        )}
      </header>
      {vetting.reasons.length > 0 && (
        <ul className="vetting-reasons">
          {vetting.reasons.map((reason, i) => (
            <li key={i}>
              <SafeText text={reason} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
