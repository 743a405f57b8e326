// Approve/edit/reject/needs-SME rates of each model or domain, as 100 % stacked bars.
import { useMemo } from "react";
import type { Outcomes } from "../../bindings/Outcomes";
import { outcomeRates } from "../../statsCharts";
import { ChartCanvas } from "./ChartCanvas";
import { ChartCard } from "./ChartCard";
import { stackedRates } from "./chartConfigs";
import { ActionLegend } from "./Legend";
import { heightFor } from "./theme";

interface RatesChartProps {
  title: string;
  outcomes: Outcomes[];
  testId: string;
}

export function RatesChart({ title, outcomes, testId }: RatesChartProps) {
  const rates = useMemo(() => outcomeRates(outcomes), [outcomes]);
  const config = useMemo(() => stackedRates(rates), [rates]);
  return (
    <ChartCard title={title} note="Share of each one's decided items" testId={testId} empty={rates.length === 0 ? "No items yet." : null}>
      <ChartCanvas config={config} height={heightFor(rates.length)} label={`${title}: approve, edit, reject and needs-SME shares`} />
      <ActionLegend />
    </ChartCard>
  );
}
