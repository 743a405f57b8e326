import type { ReactNode } from "react";

interface ChartCardProps {
  title: string;
  /** A short line under the title (units, what is counted). */
  note?: ReactNode;
  /** When set, shown instead of the chart: there is nothing to draw yet. */
  empty?: string | null;
  wide?: boolean;
  testId: string;
  children: ReactNode;
}

export function ChartCard({ title, note, empty = null, wide = false, testId, children }: ChartCardProps) {
  return (
    <section className={wide ? "chart-card chart-card-wide" : "chart-card"} data-testid={testId} aria-label={title}>
      <header className="chart-card-head">
        <h3 className="chart-title">{title}</h3>
        {note !== undefined && <p className="chart-note">{note}</p>}
      </header>
      {empty === null ? children : <p className="chart-empty">{empty}</p>}
    </section>
  );
}
