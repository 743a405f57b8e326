// The stats dashboard: headline tiles, then charts. It fetches `stats` when shown and again each
// time `revision` changes (App bumps it after every decision, undo, redo and import, and on a team
// server when someone else's work is announced).
import type { ConfidentPass } from "../bindings/ConfidentPass";
import type { Stats } from "../bindings/Stats";
import { isEmptyStats } from "../statsCharts";
import { useStats } from "../useStats";
import { Kbd } from "./Badges";
import { ErrorPanel } from "./ErrorPanel";
import { AgreementOverTimeChart, AgreementTables } from "./stats/AgreementSection";
import { DecisionsByDayChart, DecisionsByReviewerChart } from "./stats/DecisionCharts";
import { BurnDownChart, EditDistanceChart, RejectReasonsChart } from "./stats/DetailCharts";
import { RatesChart } from "./stats/OutcomeCharts";
import { StatTiles } from "./stats/StatTiles";
import { AlignmentSection } from "./stats/AlignmentSection";
import { ClaimsSection } from "./stats/ClaimsSection";
import { FormSection } from "./stats/FormSection";
import { VetterSection } from "./stats/VetterSection";

interface StatsDashboardProps {
  revision: number;
  /** The key that opens (and closes) the dashboard, for the hint. */
  toggleKey: string | null;
  onClose: () => void;
  /** Back to the queue, showing the pending items of `domain` the vetter passed confidently. */
  onShowConfident: (domain: string, confident: ConfidentPass) => void;
}

export function StatsDashboard({ revision, toggleKey, onClose, onShowConfident }: StatsDashboardProps) {
  const { stats, error, loading, retry } = useStats(revision);
  return (
    <main className="stats-view" data-testid="stats-dashboard" aria-busy={loading} aria-labelledby="stats-title">
      <header className="stats-head">
        <h2 id="stats-title" className="stats-title">
          Stats
        </h2>
        {loading && stats !== null && <span className="muted small">Updating…</span>}
        <button type="button" className="button button-small stats-back" onClick={onClose}>
          Back to review <Kbd>Esc</Kbd>
          {toggleKey !== null && <Kbd>{toggleKey}</Kbd>}
        </button>
      </header>
      {error !== null && stats === null ? (
        <ErrorPanel title="The figures could not be loaded" error={error} onRetry={retry} />
      ) : stats === null ? (
        <div className="placeholder">Loading…</div>
      ) : isEmptyStats(stats) ? (
        <EmptyStats />
      ) : (
        <StatsBody stats={stats} revision={revision} onShowConfident={onShowConfident} />
      )}
    </main>
  );
}

function StatsBody({ stats, revision, onShowConfident }: { stats: Stats } & Pick<StatsDashboardProps, "revision" | "onShowConfident">) {
  return (
    <div className="stats-body">
      <StatTiles stats={stats} />
      <div className="chart-grid">
        {/* Pairs of similar height side by side: horizontal bars, rates, then day/bucket charts. */}
        <DecisionsByDayChart stats={stats} />
        <DecisionsByReviewerChart stats={stats} />
        <RejectReasonsChart stats={stats} />
        <RatesChart title="Outcomes by model" outcomes={stats.outcomes_by_model} testId="chart-rates-by-model" />
        <RatesChart title="Outcomes by domain" outcomes={stats.outcomes_by_domain} testId="chart-rates-by-domain" />
        <BurnDownChart stats={stats} />
        <EditDistanceChart stats={stats} />
        <AgreementOverTimeChart stats={stats} />
        <AgreementTables stats={stats} />
        <VetterSection vetters={stats.vetter} />
        <AlignmentSection revision={revision} onShowConfident={onShowConfident} />
        <FormSection forms={stats.forms} />
        <ClaimsSection claims={stats.claims} />
      </div>
    </div>
  );
}

function EmptyStats() {
  return (
    <div className="panel-center" data-testid="stats-empty">
      <h2 className="panel-title">No figures yet</h2>
      <p className="panel-text">
        The dashboard fills in as items are imported and decided: decisions per day and per reviewer, outcomes by model and domain,
        reject reasons, edit distances, the queue burn-down and agreement between reviewers.
      </p>
      <pre className="command">vetted import FILE.jsonl</pre>
    </div>
  );
}
