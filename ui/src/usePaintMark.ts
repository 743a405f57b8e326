import { useLayoutEffect } from "react";

/** Set in the animation frame that renders a newly shown item, before its style, layout and paint. */
const ITEM_FRAME = "item-frame";
/** Set in the first task after that frame's rendering work, i.e. once the item is painted. */
const ITEM_PAINTED = "item-painted";
/** Set once the frame that first renders the welcome screen is painted. */
const WELCOME_PAINTED = "welcome-painted";
/** Set once the frame that renders a newly loaded relationship graph is painted. */
const GRAPH_PAINTED = "graph-painted";
/** Set once the frame that renders a move of the graph's focus is painted. */
const GRAPH_FOCUS_PAINTED = "graph-focus-painted";

/**
 * Marks `painted` once the next animation frame's rendering work is done (a timer set in the
 * frame callback runs after that frame's style, layout and paint), and `frame` (if given) as that
 * frame starts. Only the latest mark of each name is kept. Returns the cancel function.
 */
function markNextPaint(frame: string | null, painted: string): () => void {
  let timer: number | undefined;
  const request = requestAnimationFrame(() => {
    if (frame !== null) {
      performance.clearMarks(frame);
      performance.mark(frame);
    }
    timer = window.setTimeout(() => {
      performance.clearMarks(painted);
      performance.mark(painted);
    }, 0);
  });
  return () => {
    cancelAnimationFrame(request);
    window.clearTimeout(timer);
  };
}

/**
 * Benchmark hook, always on and cheap: when the shown item changes, marks `item-frame` in the
 * animation frame that renders it and `item-painted` once that frame is painted, so
 * `e2e/bench-keypress.mjs` and `e2e/bench-startup.mjs` can time both from inside the page. Two
 * entries however long the session.
 */
export function usePaintMark(shownId: string | null): void {
  // A layout effect runs in the commit that shows the item, so the frame requested here is the
  // first one that can render it (a passive effect may run only after that frame).
  useLayoutEffect(() => (shownId === null ? undefined : markNextPaint(ITEM_FRAME, ITEM_PAINTED)), [shownId]);
}

/** Benchmark hook: marks `welcome-painted` once the welcome screen is first painted (`e2e/bench-startup.mjs`). */
export function useWelcomePaintMark(): void {
  useLayoutEffect(() => markNextPaint(null, WELCOME_PAINTED), []);
}

/**
 * Benchmark hook (`e2e/bench-graph.mjs`): marks `graph-painted` once a newly loaded graph (a new
 * `graph` object) is painted, and `graph-focus-painted` once a focus move is.
 */
export function useGraphPaintMarks(graph: object | null, focusKey: string): void {
  useLayoutEffect(() => (graph === null ? undefined : markNextPaint(null, GRAPH_PAINTED)), [graph]);
  useLayoutEffect(() => markNextPaint(null, GRAPH_FOCUS_PAINTED), [focusKey]);
}
