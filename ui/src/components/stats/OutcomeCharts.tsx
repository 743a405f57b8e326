// Approve/edit/reject/needs-SME rates of each model or domain, as 100 % stacked bars.
import { BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Outcomes } from "../../bindings/Outcomes";
import { formatPercent, outcomeRates, type RatePoint } from "../../statsCharts";
import { ActionLegend } from "./Legend";
import { actionBars } from "./actionBars";
import { ChartCard } from "./ChartCard";
import { ChartTooltip, type TooltipInput } from "./ChartTooltip";
import { AXIS, COLOR, GRID, heightFor } from "./theme";

interface RatesChartProps {
  title: string;
  outcomes: Outcomes[];
  testId: string;
}

const footer = (r: RatePoint) =>
  r.decided === 0 ? `Nothing decided yet, ${r.pending} pending` : `${r.counts.approve} approved, ${r.counts.edit} edited, ${r.counts.reject} rejected, ${r.counts.needs_sme} to an SME; ${r.pending} pending`;

export function RatesChart({ title, outcomes, testId }: RatesChartProps) {
  const data = outcomeRates(outcomes);
  return (
    <ChartCard title={title} note="Share of each one's decided items" testId={testId} empty={data.length === 0 ? "No items yet." : null}>
      <ResponsiveContainer width="100%" height={heightFor(data.length)}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid {...GRID} horizontal={false} />
          <XAxis type="number" {...AXIS} domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} tickFormatter={(v: number) => formatPercent(v)} />
          <YAxis type="category" dataKey="label" {...AXIS} width={130} interval={0} />
          <Tooltip
            cursor={{ fill: COLOR.cursor }}
            isAnimationActive={false}
            content={(props: TooltipInput) => <ChartTooltip<RatePoint> {...props} title={(r) => r.name} format={(v) => formatPercent(v)} footer={footer} />}
          />
          {actionBars(18)}
        </BarChart>
      </ResponsiveContainer>
      <ActionLegend />
    </ChartCard>
  );
}
