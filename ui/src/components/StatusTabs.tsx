import type { ItemStatus } from "../bindings/ItemStatus";
import type { StatusCounts } from "../bindings/StatusCounts";
import { countFor, type StatusFilter } from "../queue";

const TABS: { filter: StatusFilter; label: string }[] = [
  { filter: "pending", label: "Pending" },
  { filter: "approved", label: "Approved" },
  { filter: "edited", label: "Edited" },
  { filter: "rejected", label: "Rejected" },
  { filter: "needs_sme", label: "Needs SME" },
  { filter: null, label: "All" },
];

interface StatusTabsProps {
  filter: StatusFilter;
  counts: StatusCounts | null;
  onSelect: (filter: StatusFilter) => void;
}

export function StatusTabs({ filter, counts, onSelect }: StatusTabsProps) {
  return (
    <div className="status-tabs" role="tablist" aria-label="Filter the queue by status">
      {TABS.map((tab) => (
        <button
          key={tab.label}
          type="button"
          role="tab"
          aria-selected={tab.filter === filter}
          className="status-tab"
          onClick={() => onSelect(tab.filter)}
        >
          <span className="status-tab-label">{tab.label}</span>
          <span className="status-tab-count" data-testid={countTestId(tab.filter)}>
            {counts === null ? "–" : countFor(counts, tab.filter)}
          </span>
        </button>
      ))}
    </div>
  );
}

function countTestId(filter: ItemStatus | null): string | undefined {
  return filter === null ? undefined : `count-${filter}`;
}
