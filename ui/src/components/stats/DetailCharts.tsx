// Reject reasons, edit distances and the queue burn-down.
import { useMemo } from "react";
import type { Stats } from "../../bindings/Stats";
import { visibleText } from "../../invisibles";
import { burnDown, distanceBuckets, rejectReasons } from "../../statsCharts";
import { ChartCanvas } from "./ChartCanvas";
import { ChartCard } from "./ChartCard";
import { bucketTitle, burnDownChart, countBars } from "./chartConfigs";
import { LegendEntry } from "./Legend";
import { ACTION_COLOR, COLOR, heightFor } from "./theme";

const figure = (value: number | null) => (value === null ? "n/a" : Number.isInteger(value) ? String(value) : value.toFixed(1));

export function RejectReasonsChart({ stats }: { stats: Stats }) {
  const reasons = useMemo(() => rejectReasons(stats.reject_reasons), [stats]);
  const config = useMemo(
    () => countBars(reasons, { name: "Rejected", color: ACTION_COLOR.reject, horizontal: true, titleOf: (i) => visibleText(reasons[i]?.name ?? "") }),
    [reasons],
  );
  return (
    <ChartCard title="Reject reasons" note="Rejected items, most frequent reason first" testId="chart-reject-reasons" empty={reasons.length === 0 ? "No rejections yet." : null}>
      <ChartCanvas config={config} height={heightFor(reasons.length)} label={`Rejected items by reason, ${reasons.length} reasons`} />
    </ChartCard>
  );
}

export function EditDistanceChart({ stats }: { stats: Stats }) {
  const distances = stats.edit_distance;
  const buckets = useMemo(() => distanceBuckets(stats.edit_distance.buckets), [stats]);
  const config = useMemo(() => countBars(buckets, { name: "Edits", color: ACTION_COLOR.edit, horizontal: false, titleOf: bucketTitle(buckets) }), [buckets]);
  const unknown = distances.unknown > 0 ? `, ${distances.unknown} unknown` : "";
  return (
    <ChartCard
      title="Edit distance"
      note={
        distances.edits === 0
          ? "Words changed per edit"
          : `Words changed per edit: mean ${figure(distances.mean)}, median ${figure(distances.median)}, max ${figure(distances.max)} over ${distances.edits} edits${unknown}`
      }
      testId="chart-edit-distance"
      empty={distances.edits === 0 ? "No edits yet." : null}
    >
      <ChartCanvas config={config} height={200} label="Edits by number of words changed" />
    </ChartCard>
  );
}

export function BurnDownChart({ stats }: { stats: Stats }) {
  const days = useMemo(() => burnDown(stats.burn_down), [stats]);
  const config = useMemo(() => burnDownChart(days), [days]);
  return (
    <ChartCard title="Queue burn-down" note="Pending items at the end of each UTC day; bars are items added and decided" testId="chart-burn-down" empty={days.length === 0 ? "No items yet." : null}>
      <ChartCanvas config={config} height={220} label={`Pending items over ${days.length} days`} />
      <ul className="chart-legend">
        <LegendEntry color={COLOR.text2} label="Pending" />
        <LegendEntry color={COLOR.violet} label="Added" />
        <LegendEntry color={ACTION_COLOR.approve} label="Decided" />
      </ul>
    </ChartCard>
  );
}
