// The vetting model aligned with the reviewers (`vetted align vetter`): κ of each prompt variant
// over the stored runs of one domain and model, the latest run's figures, and the auto-approve
// threshold its verdicts support — a filter for the queue, never a decision.
import { useEffect, useMemo, useRef, useState } from "react";
import { PRECISIONS, VARIANTS, VARIANT_NAME, describeSuggestion, kappaOverRuns, series } from "../../alignment";
import * as api from "../../api";
import type { CallError } from "../../api";
import type { AlignmentSummary } from "../../bindings/AlignmentSummary";
import type { AutoApproveSuggestion } from "../../bindings/AutoApproveSuggestion";
import type { ConfidentPass } from "../../bindings/ConfidentPass";
import type { PromptVariant } from "../../bindings/PromptVariant";
import { latestOnly } from "../../latestOnly";
import { formatCoefficient, formatPercent } from "../../statsCharts";
import { ErrorPanel } from "../ErrorPanel";
import { SafeText } from "../SafeText";
import { ChartCanvas } from "./ChartCanvas";
import { ChartCard } from "./ChartCard";
import { alignmentChart } from "./chartConfigs";
import { LegendEntry } from "./Legend";
import { VARIANT_COLOR } from "./theme";

interface AlignmentSectionProps {
  /** Bumped after every decision: the pending items a threshold would clear change. */
  revision: number;
  /** Shows the pending items of `domain` the vetter passed confidently. */
  onShowConfident: (domain: string, confident: ConfidentPass) => void;
}

export function AlignmentSection({ revision, onShowConfident }: AlignmentSectionProps) {
  const [runs, setRuns] = useState<AlignmentSummary[] | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [chosen, setChosen] = useState(0);

  useEffect(() => {
    let live = true;
    api.alignmentRuns().then(
      (fresh) => {
        if (!live) return;
        setRuns(fresh);
        setError(null);
      },
      (thrown: unknown) => {
        if (live) setError(api.toCallError(thrown));
      },
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  if (error !== null) return <ErrorPanel title="The alignment runs could not be loaded" error={error} onRetry={() => setAttempt((n) => n + 1)} />;
  if (runs === null || runs.length === 0) return null;
  const all = series(runs);
  const shown = all[Math.min(chosen, all.length - 1)]!;
  const latest = runs.find((r) => r.domain === shown.domain && r.model === shown.model)!;
  return (
    <ChartCard
      title="Vetting model aligned with reviewers"
      note="Cohen's κ of each prompt variant against reviewers' decisions on held-out items, per alignment run (vetted align vetter)"
      wide
      testId="alignment-runs"
    >
      {all.length > 1 && (
        <label className="filter alignment-series">
          <span className="filter-label">Domain · model</span>
          <select className="filter-select" data-testid="alignment-series" value={chosen} onChange={(e) => setChosen(Number(e.target.value))}>
            {all.map((s, i) => (
              <option key={i} value={i}>
                {s.domain} · {s.model}
              </option>
            ))}
          </select>
        </label>
      )}
      <KappaChart runs={runs} domain={shown.domain} model={shown.model} />
      <LatestRun run={latest} />
      <ThresholdSuggestion key={latest.alignment_id} run={latest} revision={revision} onShowConfident={onShowConfident} />
    </ChartCard>
  );
}

function KappaChart({ runs, domain, model }: { runs: AlignmentSummary[]; domain: string; model: string }) {
  const points = useMemo(() => kappaOverRuns(runs, domain, model), [runs, domain, model]);
  const config = useMemo(() => alignmentChart(points), [points]);
  return (
    <>
      <ChartCanvas config={config} height={200} label={`Cohen's kappa of each prompt variant over ${points.length} alignment runs`} />
      <ul className="chart-legend">
        {VARIANTS.map((v) => (
          <LegendEntry key={v} color={VARIANT_COLOR[v]} label={VARIANT_NAME[v]} />
        ))}
      </ul>
    </>
  );
}

function LatestRun({ run }: { run: AlignmentSummary }) {
  return (
    <table className="stats-table" data-testid="alignment-latest">
      <caption className="chart-note">
        Run {run.alignment_id}
        {run.run_by !== null && (
          <>
            {" "}
            by <SafeText text={run.run_by} />
          </>
        )}{" "}
        · <SafeText text={run.domain} /> · <SafeText text={run.model} /> · {run.held_out} held out. Precision and
        recall are of catching what reviewers rejected.
      </caption>
      <thead>
        <tr>
          <th>Prompt</th>
          <th className="num">Judged</th>
          <th className="num">κ</th>
          <th className="num">Accuracy</th>
          <th className="num">Precision</th>
          <th className="num">Recall</th>
          <th className="num">Cost</th>
          <th className="num">p50</th>
        </tr>
      </thead>
      <tbody>
        {run.variants.map((v) => (
          <tr key={v.variant} data-testid="alignment-variant">
            <td>{VARIANT_NAME[v.variant]}</td>
            <td className="num">
              {v.judged}
              {v.failed > 0 && <span className="muted"> ({v.failed} failed)</span>}
            </td>
            <td className="num">{formatCoefficient(v.kappa)}</td>
            <td className="num">{formatPercent(v.accuracy)}</td>
            <td className="num">{formatPercent(v.precision)}</td>
            <td className="num">{formatPercent(v.recall)}</td>
            <td className="num">${v.cost_usd.toFixed(4)}</td>
            <td className="num">{v.latency_p50_ms === null ? "n/a" : `${v.latency_p50_ms} ms`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface ThresholdSuggestionProps {
  run: AlignmentSummary;
  revision: number;
  onShowConfident: (domain: string, confident: ConfidentPass) => void;
}

function ThresholdSuggestion({ run, revision, onShowConfident }: ThresholdSuggestionProps) {
  // Null until chosen: the core suggests for the run's best variant by κ.
  const [variant, setVariant] = useState<PromptVariant | null>(null);
  const [precision, setPrecision] = useState<number>(0.98);
  const [suggestion, setSuggestion] = useState<AutoApproveSuggestion | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  // A newer suggestion is on its way: "Show them" waits for it (never a stale threshold).
  const [loading, setLoading] = useState(true);
  const requests = useRef(latestOnly());

  useEffect(() => {
    const isLatest = requests.current.begin();
    setLoading(true);
    setError(null);
    api.autoApproveSuggestion(run.alignment_id, variant, precision).then(
      (fresh) => {
        if (!isLatest()) return;
        setSuggestion(fresh);
        setLoading(false);
      },
      (thrown: unknown) => {
        if (!isLatest()) return;
        setSuggestion(null);
        setError(api.toCallError(thrown));
        setLoading(false);
      },
    );
  }, [run.alignment_id, variant, precision, revision]);

  const words = suggestion === null ? null : describeSuggestion(suggestion);
  const confident = suggestion?.confident ?? null;
  return (
    <div className="alignment-threshold" data-testid="alignment-threshold">
      <h4 className="chart-title">Auto-approve threshold</h4>
      <div className="alignment-threshold-controls">
        <label className="filter">
          <span className="filter-label">Prompt</span>
          <select
            className="filter-select"
            data-testid="threshold-variant"
            value={variant ?? suggestion?.variant ?? ""}
            onChange={(e) => setVariant(e.target.value as PromptVariant)}
          >
            {run.variants.map((v) => (
              <option key={v.variant} value={v.variant}>
                {VARIANT_NAME[v.variant]}
              </option>
            ))}
          </select>
        </label>
        <label className="filter">
          <span className="filter-label">Precision</span>
          <select className="filter-select" data-testid="threshold-precision" value={precision} onChange={(e) => setPrecision(Number(e.target.value))}>
            {PRECISIONS.map((p) => (
              <option key={p} value={p}>
                {formatPercent(p)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error !== null && <p className="alignment-error">{error.message}</p>}
      {words !== null && (
        <>
          <p data-testid="threshold-headline">
            <strong>{words.headline}</strong>
          </p>
          <p className="chart-note">{words.detail}</p>
        </>
      )}
      <button
        type="button"
        className="button button-small"
        data-testid="threshold-show"
        disabled={loading || confident === null || suggestion?.pending_cleared === 0}
        onClick={() => confident !== null && onShowConfident(run.domain, confident)}
      >
        Show them in the queue
      </button>
    </div>
  );
}
