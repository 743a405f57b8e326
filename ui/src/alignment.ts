// Alignment runs (`vetted align vetter`) → what the dashboard's alignment card draws and says.
// Pure and unit-tested; the component only renders the results.
import type { AlignmentSummary } from "./bindings/AlignmentSummary";
import type { AutoApproveSuggestion } from "./bindings/AutoApproveSuggestion";
import type { PromptVariant } from "./bindings/PromptVariant";
import { axisLabel, dayLabel, formatPercent } from "./statsCharts";

/** The prompt variants in the order they are drawn and listed. */
export const VARIANTS: readonly PromptVariant[] = ["base", "guidelines", "examples", "both"];

export const VARIANT_NAME: Record<PromptVariant, string> = {
  base: "Item only",
  guidelines: "+ guidelines",
  examples: "+ similar reviewed items",
  both: "+ both",
};

/** Precisions the reviewer can ask an auto-approve threshold for. */
export const PRECISIONS = [0.9, 0.95, 0.98, 0.99] as const;

/** One alignment run as a point of the κ-over-time chart; variants it did not run are null. */
export interface KappaPoint {
  label: string;
  title: string;
  kappa: Record<PromptVariant, number | null>;
}

/** The (domain, model) pairs that have runs, in the order of their latest run. */
export function series(runs: readonly AlignmentSummary[]): { domain: string; model: string }[] {
  const seen = new Set<string>();
  const out: { domain: string; model: string }[] = [];
  for (const run of runs) {
    const key = JSON.stringify([run.domain, run.model]);
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ domain: run.domain, model: run.model });
    }
  }
  return out;
}

/** The runs of one domain and model, oldest first, as chart points. */
export function kappaOverRuns(runs: readonly AlignmentSummary[], domain: string, model: string): KappaPoint[] {
  return runs
    .filter((r) => r.domain === domain && r.model === model)
    .slice()
    .sort((a, b) => a.alignment_id - b.alignment_id)
    .map((run) => {
      const kappa = { base: null, guidelines: null, examples: null, both: null } as Record<PromptVariant, number | null>;
      for (const v of run.variants) kappa[v.variant] = v.kappa;
      return {
        label: `#${run.alignment_id} · ${dayLabel(run.started_at.slice(0, 10))}`,
        title: `Run ${run.alignment_id} on ${run.started_at.slice(0, 16).replace("T", " ")} · ${axisLabel(run.model)} · ${run.held_out} held out`,
        kappa,
      };
    });
}

/** The suggestion in words: what the threshold is, what backs it, and what it would clear. */
export function describeSuggestion(s: AutoApproveSuggestion): { headline: string; detail: string } {
  const t = s.threshold;
  if (t === null) {
    return {
      headline: `No threshold reaches ${formatPercent(s.target_precision)} precision with 95% confidence`,
      detail: `Of ${s.passes} held-out passes, no score admits ${s.min_support} or more whose precision is at least that with 95% confidence. Ask for a lower precision, or align on more decided items.`,
    };
  }
  return {
    headline: `Vetting score ≥ ${t.min_score.toFixed(3)} would clear ${s.pending_cleared} of ${s.pending_vetted} pending items`,
    detail:
      `${t.approved} of ${t.admitted} held-out passes at or above it were approved as they were (${formatPercent(t.precision)}; ` +
      `at least ${formatPercent(t.precision_low)} with 95% confidence). A suggestion only: nothing is approved.`,
  };
}
