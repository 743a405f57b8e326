// Which rows of a fixed-row-height list to put in the DOM, and how to scroll one into view.

export interface RowRange {
  /** First rendered row (inclusive). */
  start: number;
  /** Last rendered row + 1 (exclusive). */
  end: number;
}

export function visibleRows(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  rowCount: number,
  overscan: number,
): RowRange {
  const first = Math.floor(scrollTop / rowHeight);
  const last = Math.ceil((scrollTop + viewportHeight) / rowHeight);
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(rowCount, last + overscan),
  };
}

/** The scrollTop that brings `index` fully into view, or null when it already is. */
export function scrollTopToReveal(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
): number | null {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return null;
}
