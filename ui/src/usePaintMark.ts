import { useLayoutEffect } from "react";

/** Set in the animation frame that renders a newly shown item, before its style, layout and paint. */
const ITEM_FRAME = "item-frame";
/** Set in the first task after that frame's rendering work, i.e. once the item is painted. */
const ITEM_PAINTED = "item-painted";

/**
 * Benchmark hook, always on and cheap: when the shown item changes, marks `item-frame` in the
 * animation frame that renders it and `item-painted` right after that frame's rendering work (a
 * timer set in the frame callback runs once the frame's style, layout and paint are done), so
 * `e2e/bench-keypress.mjs` can time both from inside the page. Only the latest marks are kept:
 * two entries however long the session.
 */
export function usePaintMark(shownId: string | null): void {
  // A layout effect runs in the commit that shows the item, so the frame requested here is the
  // first one that can render it (a passive effect may run only after that frame).
  useLayoutEffect(() => {
    if (shownId === null) return;
    let timer: number | undefined;
    const frame = requestAnimationFrame(() => {
      performance.clearMarks(ITEM_FRAME);
      performance.mark(ITEM_FRAME);
      timer = window.setTimeout(() => {
        performance.clearMarks(ITEM_PAINTED);
        performance.mark(ITEM_PAINTED);
      }, 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      window.clearTimeout(timer);
    };
  }, [shownId]);
}
