import { memo } from "react";
import type { QueueEntry } from "../bindings/QueueEntry";
import { KindBadge, StatusBadge, VerdictDot } from "./Badges";
import { visibleText } from "../invisibles";
import { SafeText } from "./SafeText";

interface QueueRowProps {
  entry: QueueEntry;
  top: number;
  height: number;
  selected: boolean;
  onSelect: (externalId: string) => void;
}

export const QueueRow = memo(function QueueRow({ entry, top, height, selected, onSelect }: QueueRowProps) {
  return (
    <div
      className="queue-row"
      role="option"
      aria-selected={selected}
      data-testid="queue-entry"
      data-external-id={entry.external_id}
      style={{ top, height }}
      onClick={() => onSelect(entry.external_id)}
    >
      <div className="queue-row-title" title={visibleText(entry.title)}>
        <SafeText text={entry.title} />
      </div>
      <div className="queue-row-meta">
        <KindBadge kind={entry.kind} />
        <span className="queue-row-domain">
          <SafeText text={entry.domain} />
        </span>
        <span className="queue-row-end">
          {entry.verdict !== null && <VerdictDot verdict={entry.verdict} />}
          <StatusBadge status={entry.status} />
        </span>
      </div>
    </div>
  );
});
