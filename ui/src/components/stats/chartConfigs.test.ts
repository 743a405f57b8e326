import type { TooltipItem } from "chart.js";
import { describe, expect, it } from "vitest";
import { agreementByDay, outcomeRates } from "../../statsCharts";
import { agreementChart, stackedRates } from "./chartConfigs";

const RLO = "\u202E";
type Callbacks = {
  title: (items: Partial<TooltipItem<"bar">>[]) => string;
  label: (item: Partial<TooltipItem<"bar" | "line">>) => string;
  footer: (items: Partial<TooltipItem<"bar">>[]) => string;
};
const callbacks = (config: ReturnType<typeof stackedRates>) => config.options?.plugins?.tooltip?.callbacks as unknown as Callbacks;

describe("chart configurations", () => {
  const rates = outcomeRates([
    { key: `evil${RLO}model-with-a-very-long-name`, decided: 4, approve_rate: 0.5, edit_rate: 0.25, reject_rate: 0.25, needs_sme_rate: 0, pending: 1, approved: 2, edited: 1, rejected: 1, needs_sme: 0, conflict: 0 },
  ]);

  it("titles a tooltip with the whole name, hidden characters made visible, while the axis gets the short label", () => {
    const config = stackedRates(rates);
    expect(config.data.labels?.[0], "axis label is cut").toMatch(/…$/);
    expect(callbacks(config).title([{ dataIndex: 0 }])).toBe("evil⟨RLO⟩model-with-a-very-long-name");
    expect(callbacks(config).footer([{ dataIndex: 0 }])).toBe("4 decided, 1 pending");
  });

  it("hovers horizontal bars along their category axis and caps shares at 100 %", () => {
    const config = stackedRates(rates);
    expect(config.options).toMatchObject({ indexAxis: "y", interaction: { axis: "y" }, scales: { x: { min: 0, max: 1 } } });
  });

  it("says n/a in the agreement tooltip on days without a figure", () => {
    const config = agreementChart(agreementByDay([{ day: "2025-11-01", items: 2, ratings: 4, percent_agreement: 1, alpha: null }]));
    const { label, footer } = callbacks(config);
    expect(label({ datasetIndex: 1, raw: null })).toBe("α: n/a");
    expect(label({ datasetIndex: 0, raw: 100 })).toBe("Agreement: 100%");
    expect(footer([{ dataIndex: 0 }])).toBe("based on 2 items");
  });
});
