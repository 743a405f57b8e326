// The graph's picture: one SVG, scrolled to pan and scaled to zoom. Edges and nodes are memoized
// layers that re-render only when the graph or the filters change; a focus move re-renders only
// the focus overlay, so navigating 2,000 edges costs one small update per key.
import { memo, useLayoutEffect, useRef, type MouseEvent } from "react";
import { edgeState } from "../../graphFilter";
import { NODE_HEIGHT, NODE_WIDTH, nodeLabel, scrollToShow } from "../../graphLayout";
import type { GraphFocus, GraphScene } from "../../graphNav";

/** Dash patterns by edge state: solid for accepted, dashed for candidates, dotted for the rest. */
const DASH = { accepted: undefined, candidate: "7 5", rejected: "2 4", not_related: "2 4" } as const;
/** Pixels kept between the focus and the edge of the view when scrolling it into view. */
const SCROLL_MARGIN = 60;

interface GraphCanvasProps {
  scene: GraphScene;
  focus: GraphFocus;
  zoom: number;
  onFocus: (focus: GraphFocus) => void;
  onOpen: (item: string) => void;
}

export function GraphCanvas({ scene, focus, zoom, onFocus, onOpen }: GraphCanvasProps) {
  const { layout } = scene;
  const scroller = useRef<HTMLDivElement>(null);
  useScrollIntoView(scroller, scene, focus, zoom);
  const target = (event: MouseEvent) => (event.target as Element).closest<SVGElement>("[data-item], [data-node]");
  const onClick = (event: MouseEvent) => {
    const hit = target(event);
    if (hit?.dataset.item !== undefined) {
      const e = scene.graph.edges[scene.edgeIndex.get(hit.dataset.item)!]!;
      onFocus({ node: focus.node === e.target ? e.target : e.source, edge: e.item });
    } else if (hit?.dataset.node !== undefined) onFocus({ node: hit.dataset.node, edge: null });
  };
  const onDoubleClick = (event: MouseEvent) => {
    const item = target(event)?.dataset.item;
    if (item !== undefined) onOpen(item);
  };
  return (
    <div className="graph-canvas" ref={scroller}>
      <svg
        className="graph-svg"
        data-testid="graph-svg"
        width={Math.ceil(layout.width * zoom)}
        height={Math.ceil(layout.height * zoom)}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        role="img"
        aria-label={`${scene.graph.nodes.length} data products, ${scene.graph.edges.length} relationships`}
        onClick={onClick}
        onDoubleClick={onDoubleClick}
      >
        <Markers />
        <EdgeLayer scene={scene} />
        <NodeLayer scene={scene} />
        <FocusLayer scene={scene} focus={focus} />
      </svg>
    </div>
  );
}

function Markers() {
  return (
    <defs>
      {["accepted", "candidate", "muted", "conflict", "focus"].map((kind) => (
        <marker key={kind} id={`graph-arrow-${kind}`} className={`graph-arrow graph-arrow-${kind}`} viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
          <path d="M0,0L10,5L0,10z" />
        </marker>
      ))}
    </defs>
  );
}

/** One path per visible edge, carrying its item, status and state as data attributes. */
const EdgeLayer = memo(function EdgeLayer({ scene }: { scene: GraphScene }) {
  const { graph, layout, visible } = scene;
  return (
    <g className="graph-edges">
      {graph.edges.map((e, i) => {
        if (!visible[i]) return null;
        const state = edgeState(e);
        const conflict = e.conflicts.length > 0;
        const arrow = conflict ? "conflict" : state === "accepted" || state === "candidate" ? state : "muted";
        return (
          <path
            key={e.item}
            className={`graph-edge graph-edge-${state}${conflict ? " graph-edge-conflict" : ""}`}
            d={layout.edgePaths[i]}
            data-item={e.item}
            data-status={e.status}
            data-state={state}
            data-conflict={conflict}
            strokeDasharray={DASH[state]}
            markerEnd={`url(#graph-arrow-${arrow})`}
          />
        );
      })}
    </g>
  );
});

/** One box per product; a product none of whose relationships is shown is dimmed. */
const NodeLayer = memo(function NodeLayer({ scene }: { scene: GraphScene }) {
  const { graph, layout, incident, visible } = scene;
  return (
    <g className="graph-nodes">
      {graph.nodes.map((n, i) => {
        const p = layout.nodes[i]!;
        const idle = !incident[i]!.some((edge) => visible[edge]);
        return (
          <g
            key={n.id}
            className={`graph-node${idle ? " graph-node-idle" : ""}${n.registered ? "" : " graph-node-unregistered"}`}
            data-node={n.id}
            transform={`translate(${p.x - NODE_WIDTH / 2},${p.y - NODE_HEIGHT / 2})`}
          >
            <title>{n.id}</title>
            <rect width={NODE_WIDTH} height={NODE_HEIGHT} rx={5} />
            <text x={NODE_WIDTH / 2} y={NODE_HEIGHT / 2} dominantBaseline="central" textAnchor="middle">
              {nodeLabel(n.id)}
            </text>
          </g>
        );
      })}
    </g>
  );
});

/** The focused product's ring and the focused relationship drawn again on top, thick. */
function FocusLayer({ scene, focus }: { scene: GraphScene; focus: GraphFocus }) {
  const node = focus.node === null ? undefined : scene.layout.nodeIndex.get(focus.node);
  const edge = focus.edge === null ? undefined : scene.edgeIndex.get(focus.edge);
  const p = node === undefined ? undefined : scene.layout.nodes[node];
  return (
    <g className="graph-focus" pointerEvents="none">
      {p !== undefined && (
        <rect
          className="graph-focus-node"
          data-testid="graph-focus-node"
          data-node={focus.node ?? undefined}
          x={p.x - NODE_WIDTH / 2 - 4}
          y={p.y - NODE_HEIGHT / 2 - 4}
          width={NODE_WIDTH + 8}
          height={NODE_HEIGHT + 8}
          rx={8}
        />
      )}
      {edge !== undefined && (
        <path
          className="graph-focus-edge"
          data-testid="graph-focus-edge"
          data-focus-item={focus.edge ?? undefined}
          d={scene.layout.edgePaths[edge]}
          strokeDasharray={DASH[edgeState(scene.graph.edges[edge]!)]}
          markerEnd="url(#graph-arrow-focus)"
        />
      )}
    </g>
  );
}

/** Scrolls the focused product, and if it fits the far end of a focused relationship, into view. */
function useScrollIntoView(scroller: { current: HTMLDivElement | null }, scene: GraphScene, focus: GraphFocus, zoom: number) {
  useLayoutEffect(() => {
    const view = scroller.current;
    const node = focus.node === null ? undefined : scene.layout.nodeIndex.get(focus.node);
    if (view === null || node === undefined) return;
    const edge = focus.edge === null ? undefined : scene.graph.edges[scene.edgeIndex.get(focus.edge)!];
    const far = edge === undefined ? node : scene.layout.nodeIndex.get(focus.node === edge.source ? edge.target : edge.source)!;
    const [p, q] = [scene.layout.nodes[node]!, scene.layout.nodes[far]!];
    const span = (centre: number, half: number) => [(centre - half) * zoom, (centre + half) * zoom] as const;
    view.scrollLeft = scrollToShow(view.scrollLeft, view.clientWidth, span(p.x, NODE_WIDTH / 2), span(q.x, NODE_WIDTH / 2), SCROLL_MARGIN);
    view.scrollTop = scrollToShow(view.scrollTop, view.clientHeight, span(p.y, NODE_HEIGHT / 2), span(q.y, NODE_HEIGHT / 2), SCROLL_MARGIN);
  }, [scroller, scene, focus, zoom]);
}
