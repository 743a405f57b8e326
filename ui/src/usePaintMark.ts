import { useEffect } from "react";

/** Name of the performance mark `usePaintMark` sets; `e2e/bench-keypress.mjs` reads it. */
const ITEM_PAINTED = "item-painted";

/**
 * Benchmark hook, always on and cheap: when the shown item changes, marks `item-painted` in the
 * animation frame that paints it, so the keypress → painted benchmark can time it from inside the
 * page. Only the latest mark is kept: one entry however long the session.
 */
export function usePaintMark(shownId: string | null): void {
  useEffect(() => {
    if (shownId === null) return;
    const frame = requestAnimationFrame(() => {
      performance.clearMarks(ITEM_PAINTED);
      performance.mark(ITEM_PAINTED);
    });
    return () => cancelAnimationFrame(frame);
  }, [shownId]);
}
