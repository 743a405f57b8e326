// Agreement between reviewers: over time (chart) and per domain / per pair (tables). Every
// figure says how many items it rests on; undefined ones read "n/a".
import { useMemo } from "react";
import type { Stats } from "../../bindings/Stats";
import { agreementByDay, agreementRow, domainAgreementRows, pairAgreementRows, type AgreementRow } from "../../statsCharts";
import { SafeText } from "../SafeText";
import { ChartCanvas } from "./ChartCanvas";
import { ChartCard } from "./ChartCard";
import { agreementChart } from "./chartConfigs";
import { LegendEntry } from "./Legend";
import { COLOR } from "./theme";

const NOT_YET = "Agreement needs items decided by two or more reviewers.";
const NA_HINT = "n/a: not defined here (e.g. every rating used the same label)";

export function AgreementOverTimeChart({ stats }: { stats: Stats }) {
  const days = useMemo(() => agreementByDay(stats.agreement.by_day), [stats]);
  const config = useMemo(() => agreementChart(days), [days]);
  return (
    <ChartCard
      title="Agreement over time"
      note="Items rated by two or more reviewers, by the day of their latest rating"
      wide
      testId="chart-agreement-by-day"
      empty={days.length === 0 ? NOT_YET : null}
    >
      <ChartCanvas config={config} height={220} label={`Percent agreement and Krippendorff's alpha over ${days.length} days`} />
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
  extraNote?: string;
}

function AgreementTable({ title, testId, nameHeader, coefficientHeader, rows, overall, extraNote = "" }: AgreementTableProps) {
  const showRatings = rows.some((r) => r.ratings !== null);
  return (
    <ChartCard title={title} note={`${coefficientHeader} and percent agreement${extraNote}; ${NA_HINT}`} testId={testId} empty={rows.length === 0 ? NOT_YET : null}>
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
  const excluded = agreement.needs_sme_ratings > 0 ? `; ${agreement.needs_sme_ratings} needs-SME ratings left out` : "";
  return (
    <>
      <AgreementTable
        title="Agreement per domain"
        testId="table-agreement-by-domain"
        nameHeader="Domain"
        coefficientHeader="Krippendorff's α"
        rows={domainAgreementRows(stats)}
        overall={agreementRow("overall", ["All domains"], agreement.overall)}
        extraNote={excluded}
      />
      <AgreementTable title="Agreement per reviewer pair" testId="table-agreement-by-pair" nameHeader="Reviewers" coefficientHeader="Cohen's κ" rows={pairAgreementRows(stats)} />
    </>
  );
}
