// Decisions over time (stacked per day) and per reviewer.
import { BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Stats } from "../../bindings/Stats";
import { decisionsByDay, decisionsByReviewer, type DayPoint, type ReviewerPoint } from "../../statsCharts";
import { ActionLegend } from "./Legend";
import { actionBars } from "./actionBars";
import { ChartCard } from "./ChartCard";
import { ChartTooltip, type TooltipInput } from "./ChartTooltip";
import { AXIS, COLOR, GRID, heightFor } from "./theme";

const count = (value: number) => String(value);

export function DecisionsByDayChart({ stats }: { stats: Stats }) {
  const data = decisionsByDay(stats.decisions_by_day);
  return (
    <ChartCard title="Decisions per day" note="Decisions in force, all reviewers, by UTC day" wide testId="chart-decisions-by-day" empty={data.length === 0 ? "No decisions yet." : null}>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid {...GRID} vertical={false} />
          <XAxis dataKey="label" {...AXIS} minTickGap={12} />
          <YAxis {...AXIS} allowDecimals={false} />
          <Tooltip
            cursor={{ fill: COLOR.cursor }}
            isAnimationActive={false}
            content={(props: TooltipInput) => <ChartTooltip<DayPoint> {...props} title={(d) => d.day} format={count} footer={(d) => `${d.total} in all`} />}
          />
          {actionBars()}
        </BarChart>
      </ResponsiveContainer>
      <ActionLegend />
    </ChartCard>
  );
}

export function DecisionsByReviewerChart({ stats }: { stats: Stats }) {
  const data = decisionsByReviewer(stats.decisions_by_reviewer);
  return (
    <ChartCard title="Decisions per reviewer" note="Decisions in force" testId="chart-decisions-by-reviewer" empty={data.length === 0 ? "No decisions yet." : null}>
      <ResponsiveContainer width="100%" height={heightFor(data.length)}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid {...GRID} horizontal={false} />
          <XAxis type="number" {...AXIS} allowDecimals={false} />
          <YAxis type="category" dataKey="label" {...AXIS} width={130} interval={0} />
          <Tooltip
            cursor={{ fill: COLOR.cursor }}
            isAnimationActive={false}
            content={(props: TooltipInput) => <ChartTooltip<ReviewerPoint> {...props} title={(r) => r.name} format={count} footer={(r) => `${r.total} in all`} />}
          />
          {actionBars(18)}
        </BarChart>
      </ResponsiveContainer>
      <ActionLegend />
    </ChartCard>
  );
}
