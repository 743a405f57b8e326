// Reject reasons, edit distances and the queue burn-down.
import { Bar, BarChart, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Stats } from "../../bindings/Stats";
import { burnDown, distanceBuckets, rejectReasons, type BucketPoint, type BurnDownPoint, type ReasonPoint } from "../../statsCharts";
import { ChartCard } from "./ChartCard";
import { ChartTooltip, type TooltipInput } from "./ChartTooltip";
import { LegendEntry } from "./Legend";
import { ACTION_COLOR, AXIS, COLOR, GRID, heightFor } from "./theme";

const count = (value: number) => String(value);
const figure = (value: number | null) => (value === null ? "n/a" : Number.isInteger(value) ? String(value) : value.toFixed(1));

export function RejectReasonsChart({ stats }: { stats: Stats }) {
  const data = rejectReasons(stats.reject_reasons);
  return (
    <ChartCard title="Reject reasons" note="Rejected items, most frequent reason first" testId="chart-reject-reasons" empty={data.length === 0 ? "No rejections yet." : null}>
      <ResponsiveContainer width="100%" height={heightFor(data.length)}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid {...GRID} horizontal={false} />
          <XAxis type="number" {...AXIS} allowDecimals={false} />
          <YAxis type="category" dataKey="label" {...AXIS} width={150} interval={0} />
          <Tooltip
            cursor={{ fill: COLOR.cursor }}
            isAnimationActive={false}
            content={(props: TooltipInput) => <ChartTooltip<ReasonPoint> {...props} title={(r) => r.name} format={count} footer={(r) => r.reason} />}
          />
          <Bar dataKey="count" name="Rejected" fill={ACTION_COLOR.reject} maxBarSize={18} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

export function EditDistanceChart({ stats }: { stats: Stats }) {
  const distances = stats.edit_distance;
  const data = distanceBuckets(distances.buckets);
  const unknown = distances.unknown > 0 ? `, ${distances.unknown} unknown` : "";
  return (
    <ChartCard
      title="Edit distance"
      note={`Words changed per edit: mean ${figure(distances.mean)}, median ${figure(distances.median)}, max ${figure(distances.max)} over ${distances.edits} edits${unknown}`}
      testId="chart-edit-distance"
      empty={distances.edits === 0 ? "No edits yet." : null}
    >
      <ResponsiveContainer width="100%" height={200}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid {...GRID} vertical={false} />
          <XAxis dataKey="label" {...AXIS} interval={0} />
          <YAxis {...AXIS} allowDecimals={false} />
          <Tooltip
            cursor={{ fill: COLOR.cursor }}
            isAnimationActive={false}
            content={(props: TooltipInput) => <ChartTooltip<BucketPoint> {...props} title={(b) => `${b.label} words changed`} format={count} />}
          />
          <Bar dataKey="count" name="Edits" fill={ACTION_COLOR.edit} maxBarSize={36} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

export function BurnDownChart({ stats }: { stats: Stats }) {
  const data = burnDown(stats.burn_down);
  return (
    <ChartCard title="Queue burn-down" note="Pending items at the end of each UTC day; bars are items added and decided" testId="chart-burn-down" empty={data.length === 0 ? "No items yet." : null}>
      <ResponsiveContainer width="100%" height={220}>
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid {...GRID} vertical={false} />
          <XAxis dataKey="label" {...AXIS} minTickGap={12} />
          <YAxis {...AXIS} allowDecimals={false} />
          <Tooltip
            cursor={{ fill: COLOR.cursor }}
            isAnimationActive={false}
            content={(props: TooltipInput) => <ChartTooltip<BurnDownPoint> {...props} title={(d) => d.day} format={count} />}
          />
          <Bar dataKey="added" name="Added" fill={COLOR.violet} fillOpacity={0.55} maxBarSize={14} isAnimationActive={false} />
          <Bar dataKey="decided" name="Decided" fill={ACTION_COLOR.approve} fillOpacity={0.55} maxBarSize={14} isAnimationActive={false} />
          <Line dataKey="remaining" name="Pending" stroke={COLOR.text2} strokeWidth={2} dot={false} type="monotone" isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
      <ul className="chart-legend">
        <LegendEntry color={COLOR.violet} label="Added" />
        <LegendEntry color={ACTION_COLOR.approve} label="Decided" />
        <LegendEntry color={COLOR.text2} label="Pending" />
      </ul>
    </ChartCard>
  );
}
