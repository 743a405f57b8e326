// Why a database could not be opened, and the ways out (see openFailure.ts).
import type { OpenFailure } from "../bindings/OpenFailure";
import { adviceFor, STEP_LABEL, type NextStep } from "../openFailure";
import type { DatabaseActions } from "../useWindow";
import { SafeText } from "./SafeText";

interface OpenFailurePanelProps {
  failure: OpenFailure;
  /** The file is on the recent list (so it can be removed from it). */
  listed: boolean;
  databases: DatabaseActions;
  busy: boolean;
}

export function OpenFailurePanel({ failure, listed, databases, busy }: OpenFailurePanelProps) {
  const advice = adviceFor(failure.code, listed);
  const run: Record<NextStep, () => void> = {
    "open-other": databases.openDatabase,
    new: databases.newDatabase,
    demo: databases.openDemo,
    forget: () => databases.forgetRecent(failure.path),
    retry: () => databases.openRecent(failure.path),
  };
  // Retrying goes through the recent list, which only holds files that opened once.
  const steps = advice.steps.filter((step) => step !== "retry" || listed);
  return (
    <section className="open-failure" role="alert" aria-labelledby="open-failure-title" data-testid="open-failure" data-code={failure.code}>
      <h2 id="open-failure-title" className="open-failure-title">
        {advice.title}
      </h2>
      <p className="open-failure-path mono">
        <SafeText text={failure.path} />
      </p>
      <p className="open-failure-message">
        <SafeText text={failure.message} />
      </p>
      <div className="open-failure-steps">
        {steps.map((step) => (
          <button key={step} type="button" className="button button-small" disabled={busy} data-testid={`failure-${step}`} onClick={run[step]}>
            {STEP_LABEL[step]}
          </button>
        ))}
      </div>
      <p className="muted mono open-failure-code">{failure.code}</p>
    </section>
  );
}
