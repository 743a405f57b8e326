// Colour swatches and legends drawn as HTML (styled by class), shared by every chart.
import { ACTIONS, ACTION_NAME } from "../../statsCharts";
import { ACTION_COLOR } from "./theme";

export function Swatch({ color }: { color: string | undefined }) {
  return (
    <svg className="chart-swatch" viewBox="0 0 10 10" aria-hidden="true">
      <rect width="10" height="10" rx="2" fill={color} />
    </svg>
  );
}

export function LegendEntry({ color, label }: { color: string; label: string }) {
  return (
    <li>
      <Swatch color={color} />
      {label}
    </li>
  );
}

/** One legend for every chart stacked by decision. */
export function ActionLegend() {
  return (
    <ul className="chart-legend">
      {ACTIONS.map((action) => (
        <LegendEntry key={action} color={ACTION_COLOR[action]} label={ACTION_NAME[action]} />
      ))}
    </ul>
  );
}
