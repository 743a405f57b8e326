// Chart.js configurations built from the series of ../../statsCharts.ts. Labels and tooltip
// titles of untrusted names go through visibleText (a canvas cannot hold SafeText's marks).
import type { ChartConfiguration, TooltipItem } from "chart.js";
import { visibleText } from "../../invisibles";
import {
  ACTIONS,
  ACTION_NAME,
  basedOn,
  formatCoefficient,
  formatPercent,
  type AgreementPoint,
  type BucketPoint,
  type BurnDownPoint,
  type Named,
} from "../../statsCharts";
import { VARIANTS, VARIANT_NAME, type KappaPoint } from "../../alignment";
import { ACTION_COLOR, COLOR, VARIANT_COLOR, baseOptions } from "./theme";

type Counts = Record<(typeof ACTIONS)[number], number>;
/** Bars along y (horizontal) or x; hovering anywhere on a category's band picks that category. */
const along = (horizontal: boolean) =>
  ({ indexAxis: horizontal ? "y" : "x", interaction: { mode: "index", intersect: false, axis: horizontal ? "y" : "x" } }) as const;

const index = (items: TooltipItem<"bar" | "line">[]) => items[0]?.dataIndex ?? 0;

/** Stacked decision counts per day (vertical) or per named row (horizontal). */
export function stackedDecisions<T extends Counts & { total: number }>(
  rows: readonly T[],
  options: { labelOf: (row: T) => string; titleOf: (row: T) => string; horizontal: boolean },
): ChartConfiguration {
  const base = baseOptions();
  const valueAxis = { stacked: true, beginAtZero: true, ticks: { precision: 0 }, grid: { color: COLOR.grid } };
  const categoryAxis = { stacked: true, grid: { display: false }, ticks: { autoSkip: !options.horizontal, maxRotation: 0 } };
  return {
    type: "bar",
    data: {
      labels: rows.map(options.labelOf),
      datasets: ACTIONS.map((action) => ({
        label: ACTION_NAME[action],
        data: rows.map((row) => row[action]),
        backgroundColor: ACTION_COLOR[action],
        maxBarThickness: options.horizontal ? 18 : 28,
      })),
    },
    options: {
      ...base,
      ...along(options.horizontal),
      scales: options.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      plugins: {
        ...base.plugins,
        tooltip: {
          ...base.plugins?.tooltip,
          callbacks: {
            title: (items) => options.titleOf(rows[index(items)]!),
            footer: (items) => `${rows[index(items)]?.total ?? 0} in all`,
          },
        },
      },
    },
  };
}

/** 100 % stacked shares per model or domain; the tooltip gives the counts behind them. */
export function stackedRates(rows: readonly (Named & Counts & { decided: number; pending: number; counts: Counts })[]): ChartConfiguration {
  const base = baseOptions();
  return {
    type: "bar",
    data: {
      labels: rows.map((r) => r.label),
      datasets: ACTIONS.map((action) => ({
        label: ACTION_NAME[action],
        data: rows.map((r) => r[action]),
        backgroundColor: ACTION_COLOR[action],
        maxBarThickness: 18,
      })),
    },
    options: {
      ...base,
      ...along(true),
      scales: {
        x: { stacked: true, min: 0, max: 1, ticks: { stepSize: 0.25, callback: (v) => formatPercent(Number(v)) }, grid: { color: COLOR.grid } },
        y: { stacked: true, grid: { display: false }, ticks: { autoSkip: false } },
      },
      plugins: {
        ...base.plugins,
        tooltip: {
          ...base.plugins?.tooltip,
          callbacks: {
            title: (items) => visibleText(rows[index(items)]?.name ?? ""),
            label: (item) => `${item.dataset.label ?? ""}: ${formatPercent(Number(item.raw))}`,
            footer: (items) => {
              const r = rows[index(items)];
              if (r === undefined) return "";
              return r.decided === 0 ? `Nothing decided yet, ${r.pending} pending` : `${r.decided} decided, ${r.pending} pending`;
            },
          },
        },
      },
    },
  };
}

/** One series of counts as bars, horizontal for named rows (reasons), vertical for buckets. */
export function countBars(
  rows: readonly { label: string; count: number }[],
  options: { name: string; color: string; horizontal: boolean; titleOf: (i: number) => string },
): ChartConfiguration {
  const base = baseOptions();
  const valueAxis = { beginAtZero: true, ticks: { precision: 0 }, grid: { color: COLOR.grid } };
  const categoryAxis = { grid: { display: false }, ticks: { autoSkip: false } };
  return {
    type: "bar",
    data: {
      labels: rows.map((r) => r.label),
      datasets: [{ label: options.name, data: rows.map((r) => r.count), backgroundColor: options.color, maxBarThickness: options.horizontal ? 18 : 40 }],
    },
    options: {
      ...base,
      ...along(options.horizontal),
      scales: options.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      plugins: { ...base.plugins, tooltip: { ...base.plugins?.tooltip, callbacks: { title: (items) => options.titleOf(index(items)) } } },
    },
  };
}

export const bucketTitle = (buckets: readonly BucketPoint[]) => (i: number) => `${buckets[i]?.label ?? ""} words changed`;

/** Pending items as a line over bars of items added and decided per day. */
export function burnDownChart(days: readonly BurnDownPoint[]): ChartConfiguration {
  const base = baseOptions();
  return {
    type: "bar",
    data: {
      labels: days.map((d) => d.label),
      datasets: [
        { type: "line", label: "Pending", data: days.map((d) => d.remaining), borderColor: COLOR.text2, backgroundColor: COLOR.text2, borderWidth: 2, pointRadius: 0, tension: 0.25, order: 0 },
        { type: "bar", label: "Added", data: days.map((d) => d.added), backgroundColor: "rgba(178, 140, 255, 0.55)", maxBarThickness: 14, order: 1 },
        { type: "bar", label: "Decided", data: days.map((d) => d.decided), backgroundColor: "rgba(76, 195, 138, 0.55)", maxBarThickness: 14, order: 1 },
      ],
    },
    options: {
      ...base,
      scales: { x: { grid: { display: false }, ticks: { maxRotation: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 }, grid: { color: COLOR.grid } } },
      plugins: { ...base.plugins, tooltip: { ...base.plugins?.tooltip, callbacks: { title: (items) => days[index(items)]?.day ?? "" } } },
    },
  };
}

/** Percent agreement (left axis) and Krippendorff's α (right axis) per day; nulls are gaps. */
export function agreementChart(days: readonly AgreementPoint[]): ChartConfiguration {
  const base = baseOptions();
  return {
    type: "line",
    data: {
      labels: days.map((d) => d.label),
      datasets: [
        { label: "Agreement", data: days.map((d) => d.percent), yAxisID: "percent", borderColor: COLOR.accent, backgroundColor: COLOR.accent, borderWidth: 2, pointRadius: 2, spanGaps: false },
        {
          label: "Krippendorff's α",
          data: days.map((d) => d.alpha),
          yAxisID: "alpha",
          borderColor: COLOR.green,
          backgroundColor: COLOR.green,
          borderWidth: 2,
          borderDash: [4, 3],
          pointRadius: 2,
          spanGaps: false,
        },
      ],
    },
    options: {
      ...base,
      scales: {
        x: { grid: { display: false }, ticks: { maxRotation: 0 } },
        percent: { position: "left", min: 0, max: 100, ticks: { callback: (v) => `${v}%` }, grid: { color: COLOR.grid } },
        alpha: { position: "right", min: -1, max: 1, ticks: { stepSize: 0.5 }, grid: { display: false } },
      },
      plugins: {
        ...base.plugins,
        tooltip: {
          ...base.plugins?.tooltip,
          callbacks: {
            title: (items) => days[index(items)]?.day ?? "",
            label: (item) =>
              item.datasetIndex === 0
                ? `Agreement: ${formatPercent(item.raw === null ? null : Number(item.raw) / 100)}`
                : `α: ${formatCoefficient(item.raw === null ? null : Number(item.raw))}`,
            footer: (items) => basedOn(days[index(items)]?.items ?? 0),
          },
        },
      },
    },
  };
}

/** Cohen's κ of each prompt variant against the reviewers, one point per alignment run. */
export function alignmentChart(runs: readonly KappaPoint[]): ChartConfiguration {
  const base = baseOptions();
  return {
    type: "line",
    data: {
      labels: runs.map((r) => r.label),
      datasets: VARIANTS.map((variant) => ({
        label: VARIANT_NAME[variant],
        data: runs.map((r) => r.kappa[variant]),
        borderColor: VARIANT_COLOR[variant],
        backgroundColor: VARIANT_COLOR[variant],
        borderWidth: 2,
        pointRadius: 3,
        spanGaps: true,
      })),
    },
    options: {
      ...base,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { grid: { display: false }, ticks: { maxRotation: 0 } },
        y: { min: -1, max: 1, ticks: { stepSize: 0.5 }, grid: { color: COLOR.grid } },
      },
      plugins: {
        ...base.plugins,
        tooltip: {
          ...base.plugins?.tooltip,
          callbacks: {
            title: (items) => runs[index(items)]?.title ?? "",
            label: (item) => `${item.dataset.label ?? ""}: κ ${formatCoefficient(item.raw === null ? null : Number(item.raw))}`,
          },
        },
      },
    },
  };
}
