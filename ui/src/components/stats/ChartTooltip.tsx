// The tooltip of every chart: dark, styled by class (no inline styles), names through SafeText.
import { SafeText } from "../SafeText";
import { Swatch } from "./Legend";

/** What recharts hands a custom tooltip, reduced to the parts used here. */
export interface TooltipInput {
  active?: boolean;
  payload?: ReadonlyArray<{ name?: unknown; value?: unknown; color?: string; dataKey?: unknown; payload?: unknown }>;
}

interface ChartTooltipProps<T> extends TooltipInput {
  /** The hovered point's title, from its data row (an untrusted name is rendered as text). */
  title: (row: T) => string;
  /** A value as shown; `key` is the series' data key. */
  format: (value: number, row: T, key: string) => string;
  /** An extra line under the values, e.g. "12 decided, 3 pending". */
  footer?: (row: T) => string | null;
}

export function ChartTooltip<T>({ active, payload, title, format, footer }: ChartTooltipProps<T>) {
  const first = payload?.[0];
  if (active !== true || first === undefined) return null;
  const row = first.payload as T;
  const extra = footer?.(row) ?? null;
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip-title">
        <SafeText text={title(row)} />
      </div>
      {payload?.map((entry, i) => (
        <div key={i} className="chart-tooltip-row">
          <Swatch color={entry.color} />
          <span>{String(entry.name ?? "")}</span>
          <span className="chart-tooltip-value">{typeof entry.value === "number" ? format(entry.value, row, String(entry.dataKey)) : "n/a"}</span>
        </div>
      ))}
      {extra !== null && <div className="chart-tooltip-footer">{extra}</div>}
    </div>
  );
}
