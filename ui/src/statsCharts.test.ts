import { describe, expect, it } from "vitest";
import type { Outcomes } from "./bindings/Outcomes";
import type { Stats } from "./bindings/Stats";
import {
  MAX_AXIS_LABEL,
  agreementByDay,
  axisLabel,
  bucketLabel,
  burnDown,
  confusionMatrix,
  dayLabel,
  decisionsByDay,
  domainAgreementRows,
  formatCoefficient,
  formatPercent,
  headlineTiles,
  isEmptyStats,
  outcomeRates,
  pairAgreementRows,
  rejectReasons,
} from "./statsCharts";
import type { QuestionStats } from "./bindings/QuestionStats";
import { agreementNote } from "./components/stats/FormSection";
import { verdictRows } from "./components/stats/ClaimsSection";

const RLO = "\u202E";
const ZWSP = "\u200B";

function emptyStats(): Stats {
  return {
    total: 0,
    decisions: 0,
    decisions_by_day: [],
    decisions_by_reviewer: [],
    outcomes_by_model: [],
    outcomes_by_domain: [],
    reject_reasons: [],
    edit_distance: { edits: 0, unknown: 0, mean: null, median: null, max: null, buckets: [] },
    burn_down: [],
    agreement: {
      labels: ["approve", "edit", "reject"],
      needs_sme_ratings: 0,
      overall: { items: 0, ratings: 0, percent_agreement: null, alpha: null },
      by_domain: [],
      by_day: [],
      by_pair: [],
      picks: { items: 0, ratings: 0, percent_agreement: null, alpha: null },
    },
    vetter: [],
    forms: [],
    claims: [],
    pending: 0,
    approved: 0,
    edited: 0,
    rejected: 0,
    needs_sme: 0,
    conflict: 0,
  };
}

const outcome = (key: string, approved: number, edited: number, rejected: number, needs_sme: number, pending = 0): Outcomes => {
  const decided = approved + edited + rejected + needs_sme;
  const rate = (n: number) => (decided === 0 ? null : n / decided);
  return {
    key,
    decided,
    approve_rate: rate(approved),
    edit_rate: rate(edited),
    reject_rate: rate(rejected),
    needs_sme_rate: rate(needs_sme),
    pending,
    approved,
    edited,
    rejected,
    needs_sme,
    conflict: 0,
  };
};

describe("figures", () => {
  it("shows null or absent κ, α and percentages as n/a", () => {
    expect(formatCoefficient(null), "κ undefined when both used one label").toBe("n/a");
    expect(formatCoefficient(undefined), "figure absent").toBe("n/a");
    expect(formatPercent(null)).toBe("n/a");
    expect(formatPercent(Number.NaN), "never prints NaN").toBe("n/a");
    expect(formatCoefficient(0), "zero is a figure, not n/a").toBe("0.00");
    expect(formatCoefficient(-0.125), "negative κ is kept").toBe("-0.13");
    expect(formatPercent(0.875)).toBe("88%");
    expect(formatPercent(0.034), "small shares keep a decimal").toBe("3.4%");
  });

  it("headline tiles count decided items and say n/a for agreement nobody measured", () => {
    const stats = { ...emptyStats(), total: 10, pending: 4, approved: 3, edited: 2, rejected: 1, decisions: 6 };
    const tiles = Object.fromEntries(headlineTiles(stats).map((t) => [t.key, t]));
    expect(tiles.decided?.value, "total − pending").toBe("6");
    expect(tiles.decided?.hint).toBe("60% done");
    expect(tiles.approved?.hint, "share of decided items").toBe("50% of decided");
    expect(tiles.agreement?.value).toBe("n/a");
    expect(tiles.agreement?.hint).toBe("α n/a on 0 items");
  });

  it("tells an empty database apart from one with items", () => {
    expect(isEmptyStats(emptyStats())).toBe(true);
    expect(isEmptyStats({ ...emptyStats(), total: 3, pending: 3 }), "items but no decisions yet").toBe(false);
  });
});

describe("days", () => {
  it("fills quiet days with zeros so the time axis is even", () => {
    const series = decisionsByDay([
      { day: "2025-11-03", approve: 2, edit: 1, reject: 0, needs_sme: 0, total: 3 },
      { day: "2025-10-31", approve: 1, edit: 0, reject: 1, needs_sme: 0, total: 2 },
    ]);
    expect(series.map((d) => d.day), "sorted, across a month end").toEqual(["2025-10-31", "2025-11-01", "2025-11-02", "2025-11-03"]);
    expect(series[1], "a day without decisions").toMatchObject({ approve: 0, edit: 0, reject: 0, needs_sme: 0, total: 0, label: "1 Nov" });
    expect(decisionsByDay([]), "no decisions, no points").toEqual([]);
  });

  it("carries the remaining count over days without activity in the burn-down", () => {
    const series = burnDown([
      { day: "2025-11-01", added: 10, decided: 2, remaining: 8 },
      { day: "2025-11-04", added: 0, decided: 3, remaining: 5 },
    ]);
    expect(series.map((d) => [d.day, d.remaining, d.decided])).toEqual([
      ["2025-11-01", 8, 2],
      ["2025-11-02", 8, 0],
      ["2025-11-03", 8, 0],
      ["2025-11-04", 5, 3],
    ]);
  });

  it("leaves agreement gaps on days nobody rated an item twice, as percentages", () => {
    const series = agreementByDay([
      { day: "2025-11-01", items: 4, ratings: 8, percent_agreement: 0.75, alpha: 0.4 },
      { day: "2025-11-03", items: 2, ratings: 4, percent_agreement: 1, alpha: null },
    ]);
    expect(series.map((d) => [d.percent, d.alpha, d.items])).toEqual([
      [75, 0.4, 4],
      [null, null, 0],
      [100, null, 2],
    ]);
  });

  it("labels days briefly and leaves odd values readable", () => {
    expect(dayLabel("2025-01-09")).toBe("9 Jan");
    expect(dayLabel(`not${RLO}aday`), "hidden characters made visible").toBe("not⟨RLO⟩aday");
  });

  it("adds the year to day labels when the days cross into another year", () => {
    const series = burnDown([
      { day: "2024-12-31", added: 4, decided: 0, remaining: 4 },
      { day: "2025-01-01", added: 0, decided: 1, remaining: 3 },
    ]);
    expect(series.map((d) => d.label)).toEqual(["31 Dec 2024", "1 Jan 2025"]);
    expect(decisionsByDay([{ day: "2025-03-02", approve: 1, edit: 0, reject: 0, needs_sme: 0, total: 1 }])[0]?.label, "one year: no year").toBe("2 Mar");
  });
});

describe("rates", () => {
  it("stack to 1 for every model or domain with decisions", () => {
    const rates = outcomeRates([outcome("gpt", 7, 2, 1, 0, 5), outcome("llama", 1, 1, 1, 0), outcome("mistral", 0, 0, 0, 3)]);
    for (const r of rates) {
      expect(r.approve + r.edit + r.reject + r.needs_sme, `${r.name} fills its bar`).toBeCloseTo(1, 12);
    }
    expect(rates[0]?.approve, "7 of 10 decided approved; pending items do not count").toBeCloseTo(0.7, 12);
    expect(rates[0]?.counts, "counts kept for the tooltip").toEqual({ approve: 7, edit: 2, reject: 1, needs_sme: 0 });
  });

  it("are all zero, not NaN, when nothing is decided yet", () => {
    const [rate] = outcomeRates([outcome("new-model", 0, 0, 0, 0, 12)]);
    expect(rate).toMatchObject({ approve: 0, edit: 0, reject: 0, needs_sme: 0, decided: 0, pending: 12 });
  });
});

describe("untrusted labels", () => {
  it("makes hidden characters visible on axes and cuts long names", () => {
    expect(axisLabel(`evil${RLO}model`)).toBe("evil⟨RLO⟩model");
    const long = axisLabel("a-very-long-model-name-that-goes-on");
    expect(Array.from(long)).toHaveLength(MAX_AXIS_LABEL);
    expect(long.endsWith("…")).toBe(true);
  });

  it("keeps the full name beside the axis label for the tooltip", () => {
    const [reason] = rejectReasons([{ reason: "x", label: `pay${ZWSP}pal`, count: 2 }]);
    expect(reason).toMatchObject({ name: `pay${ZWSP}pal`, label: "pay⟨ZWSP⟩pal" });
  });

  it("sorts reject reasons most frequent first", () => {
    const reasons = rejectReasons([
      { reason: "a", label: "A", count: 1 },
      { reason: "b", label: "B", count: 5 },
    ]);
    expect(reasons.map((r) => r.reason)).toEqual(["b", "a"]);
  });
});

describe("edit-distance buckets", () => {
  it("labels single values, ranges and the open last bucket", () => {
    expect(bucketLabel({ from: 0, to: 0, count: 1 })).toBe("0");
    expect(bucketLabel({ from: 3, to: 5, count: 1 })).toBe("3–5");
    expect(bucketLabel({ from: 50, to: null, count: 1 })).toBe("50+");
  });
});

describe("agreement tables", () => {
  it("print n/a for undefined κ and α, with the items they rest on", () => {
    const stats = emptyStats();
    stats.agreement.by_pair = [{ reviewer_a: "ann", reviewer_b: "bo", items: 3, percent_agreement: 1, kappa: null }];
    stats.agreement.by_domain = [{ domain: "finance", items: 5, ratings: 10, percent_agreement: 0.8, alpha: 0.616 }];
    expect(pairAgreementRows(stats)).toEqual([
      { key: "pair-0", names: ["ann", "bo"], items: 3, ratings: null, percent: "100%", coefficient: "n/a" },
    ]);
    expect(domainAgreementRows(stats)[0]).toMatchObject({ names: ["finance"], items: 5, ratings: 10, percent: "80%", coefficient: "0.62" });
    expect(domainAgreementRows(stats), "no comparison was rated twice: no picks row").toHaveLength(1);
  });

  it("add the comparisons, counted by their picks, after the domains", () => {
    const stats = emptyStats();
    stats.agreement.picks = { items: 2, ratings: 5, percent_agreement: 0.5, alpha: 0.2 };
    expect(domainAgreementRows(stats)).toEqual([
      { key: "picks", names: ["Comparisons, by pick"], items: 2, ratings: 5, percent: "50%", coefficient: "0.20" },
    ]);
  });
});

describe("vetter confusion matrix", () => {
  it("orders verdicts and outcomes, fills missing cells with 0 and totals both ways", () => {
    const matrix = confusionMatrix({
      domain: "finance",
      vetter: "smollm2",
      items: 9,
      matrix: { fail: { rejected: 3, approved: 1 }, pass: { approved: 4, edited: 1 } },
      observed_agreement: 0.875,
      kappa: 0.71,
    });
    expect(matrix.rows.map((r) => r.verdict), "pass before fail; no flag row without flags").toEqual(["pass", "fail"]);
    expect(matrix.columns).toEqual(["approved", "edited", "rejected"]);
    expect(matrix.rows.map((r) => r.cells)).toEqual([
      [4, 1, 0],
      [1, 0, 3],
    ]);
    expect(matrix.columnTotals).toEqual([5, 1, 3]);
    expect(matrix.total).toBe(9);
  });
});

describe("claim figures", () => {
  it("chart the four verdicts in the order the claim keys give them", () => {
    const rows = verdictRows({ domain: "geo", answers: 2, supported: 3, unsupported: 1, contradicted: 2, not_checkable: 0 });
    expect(rows.map((r) => `${r.label} ${r.count}`)).toEqual(["Supported 3", "Unsupported 1", "Contradicted 2", "Not checkable 0"]);
  });
});

describe("review form figures", () => {
  const question = (agreement: QuestionStats["agreement"]): QuestionStats => ({ id: "c", label: "C", answered: 3, counts: [], mean: null, agreement });
  it("say what the agreement figure covers, or why there is none", () => {
    expect(agreementNote(question({ level: "ordinal", items: 12, alpha: 0.8154, labels: [] }))).toBe("α (ordinal) 0.815 over 12 items answered by two or more reviewers");
    expect(agreementNote(question({ level: "nominal", items: 0, alpha: null, labels: [] }))).toContain("no item answered by two reviewers");
    expect(agreementNote(question({ level: "nominal", items: 4, alpha: null, labels: [] }))).toContain("every answer was the same");
    const labels = [
      { label: "outdated", alpha: 0.4167 },
      { label: "hallucination", alpha: null },
    ];
    expect(agreementNote(question({ level: "nominal per label", items: 6, alpha: null, labels }))).toBe(
      "α (nominal per label) outdated 0.417, hallucination undefined (always the same) over 6 items answered by two or more reviewers",
    );
    expect(agreementNote(question(null))).toContain("no agreement figure");
  });
});
