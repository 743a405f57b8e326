// Vetting model vs reviewers: per domain and vetting model, a confusion matrix of the vetter's
// verdicts against the human outcomes, with observed agreement and κ.
import type { VetterAgreement } from "../../bindings/VetterAgreement";
import { basedOn, confusionMatrix, formatCoefficient, formatPercent } from "../../statsCharts";
import { SafeText } from "../SafeText";
import { ChartCard } from "./ChartCard";

function VetterMatrix({ vetter }: { vetter: VetterAgreement }) {
  const matrix = confusionMatrix(vetter);
  return (
    <div className="vetter-matrix" data-testid="vetter-matrix">
      <p className="vetter-head">
        <strong>
          <SafeText text={vetter.vetter} />
        </strong>
        <span className="muted"> on </span>
        <strong>
          <SafeText text={vetter.domain} />
        </strong>
        <span className="muted">
          {" "}
          — agreement {formatPercent(vetter.observed_agreement)}, κ {formatCoefficient(vetter.kappa)}, {basedOn(vetter.items)}
        </span>
      </p>
      <table className="stats-table confusion">
        <thead>
          <tr>
            <th>Verdict</th>
            {matrix.columns.map((column) => (
              <th key={column} className="num">
                <SafeText text={column} />
              </th>
            ))}
            <th className="num">Total</th>
          </tr>
        </thead>
        <tbody>
          {matrix.rows.map((row) => (
            <tr key={row.verdict}>
              <th scope="row">
                <SafeText text={row.verdict} />
              </th>
              {row.cells.map((cell, i) => (
                <td key={i} className={cell === 0 ? "num muted" : "num"}>
                  {cell}
                </td>
              ))}
              <td className="num">{row.total}</td>
            </tr>
          ))}
          <tr className="stats-total">
            <th scope="row">Total</th>
            {matrix.columnTotals.map((total, i) => (
              <td key={i} className="num">
                {total}
              </td>
            ))}
            <td className="num">{matrix.total}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

export function VetterSection({ vetters }: { vetters: VetterAgreement[] }) {
  if (vetters.length === 0) return null;
  return (
    <ChartCard title="Vetting model vs reviewers" note="Verdicts (rows) against the reviewers' outcomes (columns); agreement and κ compare the binarised verdict with the decision" wide testId="vetter-agreement">
      <div className="vetter-grid">
        {vetters.map((vetter, i) => (
          <VetterMatrix key={i} vetter={vetter} />
        ))}
      </div>
    </ChartCard>
  );
}
