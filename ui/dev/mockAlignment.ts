// Two alignment runs of a vetting model on the finance domain, for the dashboard in the browser
// build (the real figures come from `vetted align vetter`).
import type { AlignmentSummary } from "../src/bindings/AlignmentSummary";
import type { AutoApproveSuggestion } from "../src/bindings/AutoApproveSuggestion";
import type { PromptVariant } from "../src/bindings/PromptVariant";
import type { VariantReport } from "../src/bindings/VariantReport";

const variant = (name: PromptVariant, runId: number, kappa: number, precision: number): VariantReport => ({
  variant: name,
  run_id: runId,
  judged: 40,
  failed: 0,
  kappa,
  accuracy: (1 + kappa) / 2,
  precision,
  recall: 0.7,
  cost_usd: 0.0021,
  latency_p50_ms: 640,
});

export const MOCK_ALIGNMENT_RUNS: AlignmentSummary[] = [
  {
    alignment_id: 2,
    domain: "finance",
    provider: "local",
    model: "qwen2.5-7b-instruct",
    started_at: "2026-12-05T10:12:00Z",
    run_by: null,
    held_out: 40,
    variants: [variant("base", 5, 0.41, 0.72), variant("guidelines", 6, 0.48, 0.75), variant("examples", 7, 0.55, 0.8), variant("both", 8, 0.61, 0.83)],
  },
  {
    alignment_id: 1,
    domain: "finance",
    provider: "local",
    model: "qwen2.5-7b-instruct",
    started_at: "2026-12-01T16:40:00Z",
    run_by: null,
    held_out: 40,
    variants: [variant("base", 1, 0.38, 0.7), variant("both", 2, 0.52, 0.78)],
  },
];

/** A suggestion that admits fewer passes the higher the precision asked. */
export function mockSuggestion(runs: AlignmentSummary[], alignmentId: number, name: PromptVariant, precision: number): AutoApproveSuggestion {
  const run = runs.find((r) => r.alignment_id === alignmentId) ?? runs[0]!;
  const admitted = precision >= 0.99 ? 0 : Math.round(30 * (1 - precision) * 10);
  return {
    alignment_id: run.alignment_id,
    domain: run.domain,
    model: run.model,
    variant: name,
    target_precision: precision,
    min_support: 20,
    judged: 40,
    passes: 30,
    threshold: admitted < 20 ? null : { min_score: 0.9, admitted, approved: Math.ceil(admitted * precision), precision, precision_low: precision - 0.08 },
    confident: admitted < 20 ? null : { model: run.model, min_score: 0.9 },
    pending_vetted: 120,
    pending_cleared: admitted < 20 ? 0 : 64,
  };
}
