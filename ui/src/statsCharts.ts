// Stats → what the dashboard draws. Pure: every rule about gaps, rates, "n/a" and untrusted
// labels lives here and is unit-tested; the components only hand the results to the charts.
import type { AgreementFigures } from "./bindings/AgreementFigures";
import type { BurnDownDay } from "./bindings/BurnDownDay";
import type { DayAgreement } from "./bindings/DayAgreement";
import type { DayDecisions } from "./bindings/DayDecisions";
import type { DistanceBucket } from "./bindings/DistanceBucket";
import type { Outcomes } from "./bindings/Outcomes";
import type { ReasonCount } from "./bindings/ReasonCount";
import type { ReviewerDecisions } from "./bindings/ReviewerDecisions";
import type { Stats } from "./bindings/Stats";
import type { VetterAgreement } from "./bindings/VetterAgreement";
import { visibleText } from "./invisibles";

/** The four decisions, in the order they are stacked and listed everywhere. */
export const ACTIONS = ["approve", "edit", "reject", "needs_sme"] as const;
export type ChartAction = (typeof ACTIONS)[number];

export const ACTION_NAME: Record<ChartAction, string> = { approve: "Approve", edit: "Edit", reject: "Reject", needs_sme: "Needs SME" };

/** Longest label drawn on an axis; the tooltip shows the whole name. */
export const MAX_AXIS_LABEL = 24;

/** Days filled in between the first and last day; a longer span is drawn as it comes. */
export const MAX_FILLED_DAYS = 366;

/** Nothing to chart at all: no items (the dashboard shows an empty state instead). */
export const isEmptyStats = (stats: Stats): boolean => stats.total === 0 && stats.decisions === 0;

/**
 * An untrusted name as an axis label: hidden characters made visible (SVG text cannot hold
 * SafeText's marks) and cut to `MAX_AXIS_LABEL` characters.
 */
export function axisLabel(name: string): string {
  const shown = Array.from(visibleText(name));
  return shown.length <= MAX_AXIS_LABEL ? shown.join("") : `${shown.slice(0, MAX_AXIS_LABEL - 1).join("")}…`;
}

// ---------- figures ----------

/** A ratio (0–1) as a percentage; null or absent is "n/a" (not defined for this data). */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  return `${(value * 100).toFixed(Math.abs(value) < 0.1 && value !== 0 ? 1 : 0)}%`;
}

/** κ or α with two decimals; null or absent is "n/a". */
export function formatCoefficient(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  return value.toFixed(2);
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** "based on 12 items" — shown next to every agreement figure. */
export const basedOn = (items: number): string => `based on ${plural(items, "item")}`;

export interface Tile {
  key: string;
  label: string;
  value: string;
  hint: string | null;
  tone: "neutral" | ChartAction | "pending";
}

/** The headline numbers above the charts. */
export function headlineTiles(stats: Stats): Tile[] {
  const decided = stats.total - stats.pending;
  const overall = stats.agreement.overall;
  const share = (count: number) => (decided > 0 ? `${formatPercent(count / decided)} of decided` : null);
  return [
    { key: "total", label: "Items", value: String(stats.total), hint: null, tone: "neutral" },
    { key: "pending", label: "Pending", value: String(stats.pending), hint: null, tone: "pending" },
    { key: "decided", label: "Decided", value: String(decided), hint: stats.total > 0 ? `${formatPercent(decided / stats.total)} done` : null, tone: "neutral" },
    { key: "approved", label: "Approved", value: String(stats.approved), hint: share(stats.approved), tone: "approve" },
    { key: "edited", label: "Edited", value: String(stats.edited), hint: share(stats.edited), tone: "edit" },
    { key: "rejected", label: "Rejected", value: String(stats.rejected), hint: share(stats.rejected), tone: "reject" },
    { key: "needs_sme", label: "Needs SME", value: String(stats.needs_sme), hint: share(stats.needs_sme), tone: "needs_sme" },
    { key: "decisions", label: "Decisions", value: String(stats.decisions), hint: `by ${plural(stats.decisions_by_reviewer.length, "reviewer")}`, tone: "neutral" },
    {
      key: "agreement",
      label: "Agreement",
      value: formatPercent(overall.percent_agreement),
      hint: `α ${formatCoefficient(overall.alpha)} on ${plural(overall.items, "item")}`,
      tone: "neutral",
    },
  ];
}

// ---------- days ----------

const DAY_MS = 86_400_000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const dayNumber = (day: string): number => Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
const dayString = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** "2025-11-03" → "3 Nov" (or "3 Nov 2025" `withYear`); anything else is shown as it came. */
export function dayLabel(day: string, withYear = false): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const month = match === null ? undefined : MONTHS[Number(match[2]) - 1];
  if (match === null || month === undefined) return visibleText(day);
  return `${Number(match[3])} ${month}${withYear ? ` ${match[1]}` : ""}`;
}

/** Axis labels for a run of days: with the year when the days cross into another year. */
export function labelDays<T extends { day: string }>(days: readonly T[]): (T & { label: string })[] {
  const withYear = days.length > 0 && days[0]!.day.slice(0, 4) !== days[days.length - 1]!.day.slice(0, 4);
  return days.map((d) => ({ ...d, label: dayLabel(d.day, withYear) }));
}

/**
 * Every day from the first to the last of `days` (sorted by day), the missing ones made by
 * `fill` from the previous day, so a quiet day is a zero rather than a skipped tick.
 */
export function fillDays<T extends { day: string }>(days: readonly T[], fill: (day: string, previous: T) => T): T[] {
  const sorted = [...days].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first === undefined || last === undefined) return [];
  const from = dayNumber(first.day);
  const to = dayNumber(last.day);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to - from > MAX_FILLED_DAYS) return sorted;
  const byDay = new Map(sorted.map((d) => [d.day, d]));
  const filled: T[] = [];
  let previous = first;
  for (let n = from; n <= to; n++) {
    const day = dayString(n);
    const entry = byDay.get(day) ?? fill(day, previous);
    filled.push(entry);
    previous = entry;
  }
  return filled;
}

export type DayPoint = { day: string; label: string } & Record<ChartAction, number> & { total: number };

export function decisionsByDay(days: readonly DayDecisions[]): DayPoint[] {
  return labelDays(fillDays(days, (day) => ({ day, approve: 0, edit: 0, reject: 0, needs_sme: 0, total: 0 })));
}

export type BurnDownPoint = BurnDownDay & { label: string };

/** A day without activity keeps the previous day's remaining count. */
export function burnDown(days: readonly BurnDownDay[]): BurnDownPoint[] {
  return labelDays(fillDays(days, (day, previous) => ({ day, added: 0, decided: 0, remaining: previous.remaining })));
}

export interface AgreementPoint {
  day: string;
  label: string;
  /** 0–100, null where undefined (drawn as a gap). */
  percent: number | null;
  alpha: number | null;
  items: number;
}

/** Days without items rated twice stay gaps: no agreement was measured there. */
export function agreementByDay(days: readonly DayAgreement[]): AgreementPoint[] {
  return labelDays(fillDays(days, (day) => ({ day, items: 0, ratings: 0, percent_agreement: null, alpha: null }))).map((d) => ({
    day: d.day,
    label: d.label,
    percent: d.percent_agreement === null ? null : d.percent_agreement * 100,
    alpha: d.alpha,
    items: d.items,
  }));
}

// ---------- categories ----------

/** A bar named by an untrusted string: `name` as it came (for SafeText), `label` for the axis. */
export interface Named {
  name: string;
  label: string;
}

export type ReviewerPoint = Named & Record<ChartAction, number> & { total: number };

export function decisionsByReviewer(reviewers: readonly ReviewerDecisions[]): ReviewerPoint[] {
  return reviewers.map((r) => ({
    name: r.reviewer,
    label: axisLabel(r.reviewer),
    approve: r.approve,
    edit: r.edit,
    reject: r.reject,
    needs_sme: r.needs_sme,
    total: r.total,
  }));
}

export type RatePoint = Named &
  Record<ChartAction, number> & {
    decided: number;
    pending: number;
    counts: Record<ChartAction, number>;
  };

/**
 * Approve/edit/reject/needs-SME shares of a model's or domain's decided items (0–1, summing
 * to 1). The shares come from the counts, so they always fill the bar; a key with nothing
 * decided yet has all zeros (and says so in the tooltip through `decided`).
 */
export function outcomeRates(outcomes: readonly Outcomes[]): RatePoint[] {
  return outcomes.map((o) => {
    const counts = { approve: o.approved, edit: o.edited, reject: o.rejected, needs_sme: o.needs_sme };
    const sum = counts.approve + counts.edit + counts.reject + counts.needs_sme;
    const share = (count: number) => (sum > 0 ? count / sum : 0);
    return {
      name: o.key,
      label: axisLabel(o.key),
      approve: share(counts.approve),
      edit: share(counts.edit),
      reject: share(counts.reject),
      needs_sme: share(counts.needs_sme),
      decided: o.decided,
      pending: o.pending,
      counts,
    };
  });
}

export type ReasonPoint = Named & { reason: string; count: number };

export function rejectReasons(reasons: readonly ReasonCount[]): ReasonPoint[] {
  return [...reasons]
    .sort((a, b) => b.count - a.count)
    .map((r) => ({ name: r.label, label: axisLabel(r.label), reason: r.reason, count: r.count }));
}

export interface BucketPoint {
  label: string;
  count: number;
}

/** "0", "1–2", "50+" for buckets `0..=0`, `1..=2`, `50..`. */
export function bucketLabel(bucket: DistanceBucket): string {
  if (bucket.to === null) return `${bucket.from}+`;
  return bucket.from === bucket.to ? String(bucket.from) : `${bucket.from}–${bucket.to}`;
}

export const distanceBuckets = (buckets: readonly DistanceBucket[]): BucketPoint[] =>
  buckets.map((b) => ({ label: bucketLabel(b), count: b.count }));

// ---------- agreement tables ----------

export interface AgreementRow {
  key: string;
  /** Untrusted names (a domain, or a pair of reviewers), rendered with SafeText. */
  names: string[];
  items: number;
  ratings: number | null;
  percent: string;
  coefficient: string;
}

export function agreementRow(key: string, names: string[], figures: AgreementFigures): AgreementRow {
  return {
    key,
    names,
    items: figures.items,
    ratings: figures.ratings,
    percent: formatPercent(figures.percent_agreement),
    coefficient: formatCoefficient(figures.alpha),
  };
}

/** A row per domain, then comparisons by their picks when reviewers overlapped on any (they are not in the domains' figures). */
export function domainAgreementRows(stats: Stats): AgreementRow[] {
  const { by_domain, picks } = stats.agreement;
  const rows = by_domain.map((d, i) => agreementRow(`domain-${i}`, [d.domain], d));
  return picks.items > 0 ? [...rows, agreementRow("picks", ["Comparisons, by pick"], picks)] : rows;
}

export function pairAgreementRows(stats: Stats): AgreementRow[] {
  return stats.agreement.by_pair.map((p, i) => ({
    key: `pair-${i}`,
    names: [p.reviewer_a, p.reviewer_b],
    items: p.items,
    ratings: null,
    percent: formatPercent(p.percent_agreement),
    coefficient: formatCoefficient(p.kappa),
  }));
}

// ---------- vetter ----------

/** Human outcomes in the matrix's column order; verdicts in row order. */
export const OUTCOME_COLUMNS = ["approved", "edited", "rejected"] as const;
export const VERDICT_ROWS = ["pass", "flag", "fail"] as const;

export interface ConfusionMatrix {
  /** Verdicts in a fixed order, then any others the core reports, by name. */
  rows: { verdict: string; cells: number[]; total: number }[];
  /** Outcomes in a fixed order, then any others. */
  columns: string[];
  columnTotals: number[];
  total: number;
}

const ordered = (known: readonly string[], present: Iterable<string>): string[] => {
  const seen = new Set(present);
  return [...known.filter((k) => seen.has(k)), ...[...seen].filter((k) => !known.includes(k)).sort()];
};

export function confusionMatrix(vetter: VetterAgreement): ConfusionMatrix {
  const verdicts = ordered(VERDICT_ROWS, Object.keys(vetter.matrix));
  const columns = ordered(
    OUTCOME_COLUMNS,
    [...OUTCOME_COLUMNS, ...Object.values(vetter.matrix).flatMap((row) => Object.keys(row))],
  );
  const rows = verdicts.map((verdict) => {
    const cells = columns.map((column) => vetter.matrix[verdict]?.[column] ?? 0);
    return { verdict, cells, total: cells.reduce((a, b) => a + b, 0) };
  });
  const columnTotals = columns.map((_, i) => rows.reduce((sum, row) => sum + (row.cells[i] ?? 0), 0));
  return { rows, columns, columnTotals, total: rows.reduce((sum, row) => sum + row.total, 0) };
}
