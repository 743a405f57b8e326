// Chart colours and the Chart.js set-up shared by every chart. Canvas cannot read CSS variables,
// so the colours repeat styles.css's :root values (--green, --accent, --red, --amber, …).
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
  type ChartOptions,
} from "chart.js";
import type { PromptVariant } from "../../bindings/PromptVariant";
import type { ChartAction } from "../../statsCharts";

// Only what the dashboard draws is registered (and bundled). Legends are HTML (Legend.tsx).
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip);

export const ACTION_COLOR: Record<ChartAction, string> = {
  approve: "#4cc38a",
  edit: "#8b9cff",
  reject: "#ef6461",
  needs_sme: "#e0a73e",
};

export const COLOR = {
  text: "#e4e7ec",
  text2: "#b7bdc8",
  muted: "#828a98",
  grid: "#262b34",
  border: "#343a46",
  surface2: "#1a1e25",
  violet: "#b28cff",
  accent: "#8b9cff",
  green: "#4cc38a",
} as const;

/** One colour per prompt variant of an alignment run (see ../../alignment.ts). */
export const VARIANT_COLOR: Record<PromptVariant, string> = {
  base: COLOR.muted,
  guidelines: COLOR.accent,
  examples: COLOR.violet,
  both: COLOR.green,
};

const FONT = '"Inter", -apple-system, BlinkMacSystemFont, "Segoe UI", "Cantarell", "Noto Sans", "DejaVu Sans", sans-serif';

Chart.defaults.color = COLOR.muted;
Chart.defaults.borderColor = COLOR.grid;
Chart.defaults.font.family = FONT;
Chart.defaults.font.size = 11;

/** Options every chart starts from: fills its box, no animation, dark tooltip. */
export function baseOptions(): ChartOptions<"bar" | "line"> {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: "index", intersect: false },
    plugins: {
      tooltip: {
        backgroundColor: COLOR.surface2,
        borderColor: COLOR.border,
        borderWidth: 1,
        titleColor: COLOR.text,
        bodyColor: COLOR.text2,
        footerColor: COLOR.muted,
        footerFont: { weight: "normal" },
        padding: 8,
        boxPadding: 4,
        usePointStyle: false,
      },
    },
  };
}

/** Row height of horizontal bar charts, so each category gets the same room. */
export const ROW_PX = 26;
export const heightFor = (rows: number, min = 120): number => Math.max(min, 40 + rows * ROW_PX);
