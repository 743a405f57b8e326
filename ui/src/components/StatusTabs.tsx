import { type KeyboardEvent, memo, useRef } from "react";
import type { StatusCounts } from "../bindings/StatusCounts";
import { countFor, type StatusFilter } from "../queue";

export const TABS: { filter: StatusFilter; label: string }[] = [
  { filter: "pending", label: "Pending" },
  { filter: "needs_sme", label: "Needs SME" },
  { filter: "conflict", label: "Conflicts" },
  { filter: null, label: "All" },
  { filter: "approved", label: "Approved" },
  { filter: "edited", label: "Edited" },
  { filter: "rejected", label: "Rejected" },
];

/** Arrow keys, Home and End move between tabs (WAI-ARIA tabs pattern); null for other keys. */
export function tabAfterKey(index: number, key: string, count: number): number | null {
  switch (key) {
    case "ArrowRight":
      return (index + 1) % count;
    case "ArrowLeft":
      return (index - 1 + count) % count;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}

interface StatusTabsProps {
  filter: StatusFilter;
  counts: StatusCounts | null;
  onSelect: (filter: StatusFilter) => void;
}

/** The status tabs, two compact rows: the work queues first, then what has been decided. */
export const StatusTabs = memo(function StatusTabs({ filter, counts, onSelect }: StatusTabsProps) {
  const list = useRef<HTMLDivElement>(null);
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const to = tabAfterKey(index, event.key, TABS.length);
    const tab = to === null ? undefined : TABS[to];
    if (to === null || tab === undefined) return;
    // The tab keys stay here: the global handler must not also move the queue selection.
    event.preventDefault();
    event.stopPropagation();
    onSelect(tab.filter);
    list.current?.querySelectorAll<HTMLButtonElement>('[role="tab"]')[to]?.focus();
  };
  return (
    <div ref={list} className="status-tabs" role="tablist" aria-label="Filter the queue by status">
      {TABS.map((tab, index) => {
        const selected = tab.filter === filter;
        return (
          <button
            key={tab.label}
            type="button"
            role="tab"
            aria-selected={selected}
            tabIndex={selected ? 0 : -1}
            className="status-tab"
            onClick={() => onSelect(tab.filter)}
            onKeyDown={(event) => onKeyDown(event, index)}
          >
            <span className="status-tab-label">{tab.label}</span>
            <span className={counts !== null && countFor(counts, tab.filter) === 0 ? "status-tab-count empty" : "status-tab-count"} data-testid={countTestId(tab.filter)}>
              {counts === null ? "–" : countFor(counts, tab.filter)}
            </span>
          </button>
        );
      })}
    </div>
  );
});

function countTestId(filter: StatusFilter): string | undefined {
  return filter === null ? undefined : `count-${filter}`;
}
