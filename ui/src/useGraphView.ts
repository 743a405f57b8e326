// The relationship graph's state, held by App so it survives a trip to the review view and back:
// the graph as last loaded with its layout, the filters, the focus and the zoom. The graph is
// loaded afresh each time it is opened (`open`: nothing stale is drawn, such as a relationship
// approved meanwhile still dashed) and again when data changes while it is shown (`reload`: the
// picture stays until the new one replaces it). The layout is computed once per load, in the
// load's callback, never while rendering.
import { useCallback, useMemo, useRef, useState } from "react";
import * as api from "./api";
import type { CallError } from "./api";
import type { ReviewGraph } from "./bindings/ReviewGraph";
import { DEFAULT_FILTER, STATUS_CHOICES, domainsOf, nextDomain, toggleStatus, visibleEdges, type GraphFilter } from "./graphFilter";
import { layoutGraph, type GraphLayout } from "./graphLayout";
import { NO_FOCUS, back, enter, moveFocus, reconcile, sceneOf, type GraphFocus, type GraphKey, type GraphScene } from "./graphNav";
import { latestOnly } from "./latestOnly";

/** Marks for e2e/bench-graph.mjs: request sent, answer received, layout done (painted: usePaintMark). */
export const GRAPH_MARKS = { requested: "graph-requested", loaded: "graph-loaded", laidOut: "graph-laid-out" } as const;

const ZOOM_STEP = 1.25;
const MIN_ZOOM = 0.2;
const MAX_ZOOM = 2;

export interface LoadedGraph {
  graph: ReviewGraph;
  layout: GraphLayout;
  domains: string[];
}

/** What a graph key asks App to do beyond moving the focus. */
export type GraphOutcome = { open: string } | "close" | "rule" | null;

export function useGraphView() {
  const [loaded, setLoaded] = useState<LoadedGraph | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const [loading, setLoading] = useState(false);
  const [filter, setFilter] = useState<GraphFilter>(DEFAULT_FILTER);
  const [rawFocus, setFocus] = useState<GraphFocus>(NO_FOCUS);
  const [zoom, setZoom] = useState(1);
  const requests = useRef(latestOnly());

  const reload = useCallback(() => {
    const isLatest = requests.current.begin();
    setLoading(true);
    mark(GRAPH_MARKS.requested);
    api.reviewGraph().then(
      (graph) => {
        if (!isLatest()) return;
        mark(GRAPH_MARKS.loaded);
        const layout = layoutGraph(graph);
        mark(GRAPH_MARKS.laidOut);
        setLoaded({ graph, layout, domains: domainsOf(graph) });
        setError(null);
        setLoading(false);
      },
      (thrown: unknown) => {
        if (!isLatest()) return;
        setError(api.toCallError(thrown));
        setLoading(false);
      },
    );
  }, []);

  const open = useCallback(() => {
    setLoaded(null);
    reload();
  }, [reload]);

  const scene: GraphScene | null = useMemo(
    () => (loaded === null ? null : sceneOf(loaded.graph, loaded.layout, visibleEdges(loaded.graph, filter))),
    [loaded, filter],
  );
  // The focus as shown: what was focused, kept only where still valid (after a reload or a filter change).
  const focus = useMemo(() => (scene === null ? NO_FOCUS : reconcile(rawFocus, scene)), [rawFocus, scene]);

  /** Applies a graph key; returns what App must do beyond that (open an item, close the graph). */
  const handle = (key: GraphKey): GraphOutcome => {
    switch (key.type) {
      case "back": {
        const after = back(focus);
        if (after === "close") return "close";
        setFocus(after);
        return null;
      }
      case "open": {
        if (scene === null) return null;
        const entered = enter(focus, scene);
        if ("open" in entered) return entered;
        setFocus(entered.focus);
        return null;
      }
      case "domain":
        if (loaded !== null) setFilter((f) => ({ ...f, domain: nextDomain(loaded.domains, f.domain) }));
        return null;
      case "status": {
        const choice = STATUS_CHOICES[key.index];
        if (choice !== undefined) setFilter((f) => toggleStatus(f, choice));
        return null;
      }
      case "rule":
        return "rule";
      case "zoom":
        setZoom((z) => (key.step === 0 ? 1 : clamp(key.step === 1 ? z * ZOOM_STEP : z / ZOOM_STEP)));
        return null;
      default:
        if (scene !== null) setFocus(moveFocus(focus, key, scene));
        return null;
    }
  };

  return { loaded, scene, error, loading, filter, setFilter, focus, setFocus, zoom, setZoom, open, reload, handle };
}

export type GraphView = ReturnType<typeof useGraphView>;

const clamp = (zoom: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));

function mark(name: string): void {
  performance.clearMarks(name);
  performance.mark(name);
}
