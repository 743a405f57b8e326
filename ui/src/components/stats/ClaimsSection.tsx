// Claim verdicts on the dashboard: per domain, how the checked claims of the answers' decisions in
// force split between supported, unsupported, contradicted and not checkable (src/claims.rs).
import { useMemo } from "react";
import type { ClaimFigures } from "../../bindings/ClaimFigures";
import { VERDICT_LABEL } from "../../claimChecks";
import { visibleText } from "../../invisibles";
import { ChartCanvas } from "./ChartCanvas";
import { ChartCard } from "./ChartCard";
import { countBars } from "./chartConfigs";
import { COLOR, heightFor } from "./theme";

export function ClaimsSection({ claims }: { claims: readonly ClaimFigures[] }) {
  return (
    <>
      {claims.map((figures) => (
        <ClaimsCard key={figures.domain} figures={figures} />
      ))}
    </>
  );
}

/** The verdict counts of one domain, in the order the claim keys give them. */
export function verdictRows(f: ClaimFigures): { label: string; count: number }[] {
  return [
    { label: VERDICT_LABEL.supported, count: f.supported },
    { label: VERDICT_LABEL.unsupported, count: f.unsupported },
    { label: VERDICT_LABEL.contradicted, count: f.contradicted },
    { label: VERDICT_LABEL["not-checkable"], count: f.not_checkable },
  ];
}

function ClaimsCard({ figures }: { figures: ClaimFigures }) {
  const rows = useMemo(() => verdictRows(figures), [figures]);
  const config = useMemo(() => countBars(rows, { name: "Claims", color: COLOR.accent, horizontal: true, titleOf: (i) => rows[i]?.label ?? "" }), [rows]);
  const claims = rows.reduce((sum, row) => sum + row.count, 0);
  const doubtful = figures.unsupported + figures.contradicted;
  return (
    <ChartCard
      title={`${visibleText(figures.domain)} · claim verdicts`}
      note={`${claims} claims checked on ${figures.answers} answer${figures.answers === 1 ? "" : "s"} (decisions in force); ${doubtful} unsupported or contradicted`}
      testId="chart-claims"
    >
      <ChartCanvas config={config} height={heightFor(rows.length)} label={`Claim verdicts in ${figures.domain}`} />
    </ChartCard>
  );
}
