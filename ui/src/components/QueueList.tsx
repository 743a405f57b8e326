// The queue, virtualized: rows have a fixed height and only the visible ones (plus overscan)
// are in the DOM. The parent is told how far down the user can see, to fetch the next page.
import { memo, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { CallError } from "../api";
import type { QueueEntry } from "../bindings/QueueEntry";
import { scrollTopToReveal, visibleRows } from "../virtualRange";
import { QueueRow } from "./QueueRow";

const ROW_HEIGHT = 56;
const OVERSCAN = 8;

interface QueueListProps {
  entries: QueueEntry[];
  /** The tab is empty: every page is loaded and none had entries. */
  exhausted: boolean;
  selectedId: string | null;
  loading: boolean;
  error: CallError | null;
  onSelect: (externalId: string) => void;
  /** Called with the index past the last rendered row whenever it changes. */
  onVisibleEnd: (end: number) => void;
  onRetry: () => void;
}

export const QueueList = memo(function QueueList({ entries, exhausted, selectedId, loading, error, onSelect, onVisibleEnd, onRetry }: QueueListProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(0);

  useLayoutEffect(() => {
    const element = viewport.current;
    if (element === null) return;
    setHeight(element.clientHeight);
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Keep the selected row in view when the selection moves by keyboard.
  const selectedIndex = entries.findIndex((entry) => entry.external_id === selectedId);
  useLayoutEffect(() => {
    const element = viewport.current;
    if (element === null || selectedIndex < 0) return;
    const target = scrollTopToReveal(selectedIndex, element.scrollTop, element.clientHeight, ROW_HEIGHT);
    if (target !== null) element.scrollTop = target;
  }, [selectedIndex]);

  const range = visibleRows(scrollTop, height, ROW_HEIGHT, entries.length, OVERSCAN);
  useEffect(() => {
    onVisibleEnd(range.end);
  }, [range.end, onVisibleEnd]);

  return (
    <div className="queue">
      <div
        ref={viewport}
        className="queue-viewport"
        role="listbox"
        aria-label="Review queue"
        tabIndex={0}
        onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      >
        <div className="queue-canvas" style={{ height: entries.length * ROW_HEIGHT }}>
          {entries.slice(range.start, range.end).map((entry, offset) => (
            <QueueRow
              key={entry.id}
              entry={entry}
              top={(range.start + offset) * ROW_HEIGHT}
              height={ROW_HEIGHT}
              selected={entry.external_id === selectedId}
              onSelect={onSelect}
            />
          ))}
        </div>
        {exhausted && <p className="queue-empty">No items here.</p>}
      </div>
      {(loading || error !== null) && (
        <div className="queue-footer" role={error === null ? "status" : "alert"}>
          {error === null ? (
            "Loading…"
          ) : (
            <>
              <span>Could not load the queue: {error.message}</span>
              <button type="button" className="link-button" onClick={onRetry}>
                Retry
              </button>
            </>
          )}
        </div>
      )}
    </div>
  );
});
