// Decisions over time (stacked per day) and per reviewer.
import { useMemo } from "react";
import type { Stats } from "../../bindings/Stats";
import { visibleText } from "../../invisibles";
import { decisionsByDay, decisionsByReviewer } from "../../statsCharts";
import { ChartCanvas } from "./ChartCanvas";
import { ChartCard } from "./ChartCard";
import { stackedDecisions } from "./chartConfigs";
import { ActionLegend } from "./Legend";
import { heightFor } from "./theme";

export function DecisionsByDayChart({ stats }: { stats: Stats }) {
  const days = useMemo(() => decisionsByDay(stats.decisions_by_day), [stats]);
  const config = useMemo(() => stackedDecisions(days, { labelOf: (d) => d.label, titleOf: (d) => d.day, horizontal: false }), [days]);
  return (
    <ChartCard title="Decisions per day" note="Decisions in force, all reviewers, by UTC day" wide testId="chart-decisions-by-day" empty={days.length === 0 ? "No decisions yet." : null}>
      <ChartCanvas config={config} height={220} label={`Decisions per day over ${days.length} days`} />
      <ActionLegend />
    </ChartCard>
  );
}

export function DecisionsByReviewerChart({ stats }: { stats: Stats }) {
  const reviewers = useMemo(() => decisionsByReviewer(stats.decisions_by_reviewer), [stats]);
  const config = useMemo(() => stackedDecisions(reviewers, { labelOf: (r) => r.label, titleOf: (r) => visibleText(r.name), horizontal: true }), [reviewers]);
  return (
    <ChartCard title="Decisions per reviewer" note="Decisions in force" testId="chart-decisions-by-reviewer" empty={reviewers.length === 0 ? "No decisions yet." : null}>
      <ChartCanvas config={config} height={heightFor(reviewers.length)} label={`Decisions of ${reviewers.length} reviewers`} />
      <ActionLegend />
    </ChartCard>
  );
}
