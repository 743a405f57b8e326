// Chart colours and axis settings. SVG presentation attributes cannot read CSS variables, so
// the colours repeat styles.css's :root values (--green, --accent, --red, --amber, …).
import type { ChartAction } from "../../statsCharts";

export const ACTION_COLOR: Record<ChartAction, string> = {
  approve: "#4cc38a",
  edit: "#8b9cff",
  reject: "#ef6461",
  needs_sme: "#e0a73e",
};

export const COLOR = {
  muted: "#828a98",
  text2: "#b7bdc8",
  grid: "#262b34",
  violet: "#b28cff",
  accent: "#8b9cff",
  green: "#4cc38a",
  cursor: "rgba(139, 156, 255, 0.08)",
} as const;

/** Props shared by every axis: small muted ticks, no heavy lines. */
export const AXIS = {
  stroke: COLOR.grid,
  tick: { fill: COLOR.muted, fontSize: 11 },
  tickLine: false,
} as const;

export const GRID = { stroke: COLOR.grid, strokeDasharray: "3 3" } as const;

/** Row height of horizontal bar charts, so each category gets the same room. */
export const ROW_PX = 26;
export const heightFor = (rows: number, min = 120): number => Math.max(min, 40 + rows * ROW_PX);
