// Agreement between reviewers: over time (chart) and per domain / per pair (tables). Every
// figure says how many items it rests on; undefined ones read "n/a".
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Stats } from "../../bindings/Stats";
import {
  agreementByDay,
  agreementRow,
  basedOn,
  domainAgreementRows,
  formatCoefficient,
  formatPercent,
  pairAgreementRows,
  type AgreementPoint,
  type AgreementRow,
} from "../../statsCharts";
import { SafeText } from "../SafeText";
import { ChartCard } from "./ChartCard";
import { ChartTooltip, type TooltipInput } from "./ChartTooltip";
import { LegendEntry } from "./Legend";
import { AXIS, COLOR, GRID } from "./theme";

const NOT_YET = "Agreement needs items decided by two or more reviewers.";
const NA_HINT = "n/a: not defined here (e.g. every rating used the same label)";

const formatPoint = (value: number, _point: AgreementPoint, key: string) => (key === "percent" ? formatPercent(value / 100) : formatCoefficient(value));

export function AgreementOverTimeChart({ stats }: { stats: Stats }) {
  const data = agreementByDay(stats.agreement.by_day);
  return (
    <ChartCard
      title="Agreement over time"
      note="Items rated by two or more reviewers, by the day of their latest rating"
      wide
      testId="chart-agreement-by-day"
      empty={data.length === 0 ? NOT_YET : null}
    >
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={data} margin={{ top: 8, right: 0, bottom: 0, left: -16 }}>
          <CartesianGrid {...GRID} vertical={false} />
          <XAxis dataKey="label" {...AXIS} minTickGap={12} />
          <YAxis yAxisId="percent" {...AXIS} domain={[0, 100]} tickFormatter={(v: number) => `${v}%`} />
          <YAxis yAxisId="alpha" orientation="right" {...AXIS} domain={[-1, 1]} ticks={[-1, -0.5, 0, 0.5, 1]} />
          <Tooltip
            isAnimationActive={false}
            content={(props: TooltipInput) => (
              <ChartTooltip<AgreementPoint> {...props} title={(d) => d.day} format={formatPoint} footer={(d) => basedOn(d.items)} />
            )}
          />
          <Line yAxisId="percent" dataKey="percent" name="Agreement" stroke={COLOR.accent} strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
          <Line yAxisId="alpha" dataKey="alpha" name="Krippendorff's α" stroke={COLOR.green} strokeWidth={2} strokeDasharray="4 3" dot={{ r: 2 }} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
      <ul className="chart-legend">
        <LegendEntry color={COLOR.accent} label="Percent agreement (left)" />
        <LegendEntry color={COLOR.green} label="Krippendorff's α (right); gaps are days without a figure" />
      </ul>
    </ChartCard>
  );
}

interface AgreementTableProps {
  title: string;
  testId: string;
  nameHeader: string;
  coefficientHeader: string;
  rows: AgreementRow[];
  /** A total row first (the overall figures), if any. */
  overall?: AgreementRow;
}

function AgreementTable({ title, testId, nameHeader, coefficientHeader, rows, overall }: AgreementTableProps) {
  const showRatings = rows.some((r) => r.ratings !== null);
  return (
    <ChartCard title={title} note={`${coefficientHeader} and percent agreement; ${NA_HINT}`} testId={testId} empty={rows.length === 0 ? NOT_YET : null}>
      <table className="stats-table">
        <thead>
          <tr>
            <th>{nameHeader}</th>
            <th className="num">Items</th>
            {showRatings && <th className="num">Ratings</th>}
            <th className="num">Agreement</th>
            <th className="num">{coefficientHeader}</th>
          </tr>
        </thead>
        <tbody>
          {[...(overall === undefined ? [] : [overall]), ...rows].map((row) => (
            <tr key={row.key} className={row === overall ? "stats-total" : undefined} data-testid="agreement-row">
              <td>
                {row.names.map((name, i) => (
                  <span key={i}>
                    {i > 0 && <span className="muted"> · </span>}
                    <SafeText text={name} />
                  </span>
                ))}
              </td>
              <td className="num">{row.items}</td>
              {showRatings && <td className="num">{row.ratings ?? ""}</td>}
              <Figure text={row.percent} />
              <Figure text={row.coefficient} />
            </tr>
          ))}
        </tbody>
      </table>
    </ChartCard>
  );
}

export function Figure({ text }: { text: string }) {
  return text === "n/a" ? (
    <td className="num muted" title={NA_HINT}>
      n/a
    </td>
  ) : (
    <td className="num">{text}</td>
  );
}

export function AgreementTables({ stats }: { stats: Stats }) {
  const { agreement } = stats;
  const excluded = agreement.needs_sme_ratings > 0 ? ` ${agreement.needs_sme_ratings} needs-SME ratings are left out.` : "";
  return (
    <>
      <AgreementTable
        title="Agreement per domain"
        testId="table-agreement-by-domain"
        nameHeader="Domain"
        coefficientHeader="Krippendorff's α"
        rows={domainAgreementRows(stats)}
        overall={agreementRow("overall", [`All domains${excluded}`], agreement.overall)}
      />
      <AgreementTable title="Agreement per reviewer pair" testId="table-agreement-by-pair" nameHeader="Reviewers" coefficientHeader="Cohen's κ" rows={pairAgreementRows(stats)} />
    </>
  );
}
