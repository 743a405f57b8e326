// Keyboard navigation of the review graph. Pure: a key press becomes a GraphKey, and a GraphKey
// moves the focus (a product, and possibly one of its relationships) over the laid-out graph.
//
// Invariants: a focused edge is always visible and touches the focused node (its anchor); keys
// only ever focus visible edges. Focus is held by name and item id, so it survives a reload of
// the graph (after a decision) as long as the product and item are still there.
import type { ReviewGraph } from "./bindings/ReviewGraph";
import { edgeState } from "./graphFilter";
import type { GraphLayout } from "./graphLayout";
import type { ChordPress } from "./keymap";

export type Direction = "left" | "right" | "up" | "down";

export type GraphKey =
  | { type: "move"; direction: Direction }
  /** The next or previous relationship of the focused product. */
  | { type: "edge"; delta: 1 | -1 }
  /** The next or previous visible candidate (or conflicting) relationship in the whole graph. */
  | { type: "jump"; to: "candidate" | "conflict"; delta: 1 | -1 }
  | { type: "open" }
  | { type: "back" }
  | { type: "domain" }
  /** Toggles `STATUS_CHOICES[index]` in the filter. */
  | { type: "status"; index: number }
  | { type: "zoom"; step: 1 | -1 | 0 }
  /** Approve by rule: opens its dialog. */
  | { type: "rule" };

const MOVES: Record<string, Direction> = {
  ArrowLeft: "left",
  h: "left",
  ArrowRight: "right",
  l: "right",
  ArrowUp: "up",
  k: "up",
  ArrowDown: "down",
  j: "down",
};

const FIXED: Record<string, GraphKey> = {
  "]": { type: "edge", delta: 1 },
  "[": { type: "edge", delta: -1 },
  n: { type: "jump", to: "candidate", delta: 1 },
  N: { type: "jump", to: "candidate", delta: -1 },
  c: { type: "jump", to: "conflict", delta: 1 },
  C: { type: "jump", to: "conflict", delta: -1 },
  Enter: { type: "open" },
  Escape: { type: "back" },
  d: { type: "domain" },
  b: { type: "rule" },
  "+": { type: "zoom", step: 1 },
  "=": { type: "zoom", step: 1 },
  "-": { type: "zoom", step: -1 },
  "0": { type: "zoom", step: 0 },
};

/** The graph's fixed keys (shown in its legend): none takes a modifier but Shift. */
export function graphKeyOf(press: ChordPress): GraphKey | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  const move = MOVES[press.key];
  if (move !== undefined) return { type: "move", direction: move };
  if (/^[1-6]$/.test(press.key)) return { type: "status", index: Number(press.key) - 1 };
  return FIXED[press.key] ?? null;
}

export interface GraphFocus {
  /** The focused product (node id), null only for an empty graph. */
  node: string | null;
  /** The focused relationship (item id), touching `node`. */
  edge: string | null;
}

export const NO_FOCUS: GraphFocus = { node: null, edge: null };

/** What navigation reads: the graph, its layout, which edges show, edges per node. */
export interface GraphScene {
  graph: ReviewGraph;
  layout: GraphLayout;
  /** Per edge. */
  visible: readonly boolean[];
  /** Per node: the indexes of the edges touching it, sorted by the other product, then item. */
  incident: readonly (readonly number[])[];
  edgeIndex: ReadonlyMap<string, number>;
}

export function sceneOf(graph: ReviewGraph, layout: GraphLayout, visible: readonly boolean[]): GraphScene {
  const incident: number[][] = graph.nodes.map(() => []);
  graph.edges.forEach((e, i) => {
    const s = layout.nodeIndex.get(e.source)!;
    const t = layout.nodeIndex.get(e.target)!;
    incident[s]!.push(i);
    if (t !== s) incident[t]!.push(i);
  });
  incident.forEach((edges, node) => {
    const other = (i: number) => {
      const e = graph.edges[i]!;
      return e.source === graph.nodes[node]!.id ? e.target : e.source;
    };
    edges.sort((a, b) => compare(other(a), other(b)) || compare(graph.edges[a]!.item, graph.edges[b]!.item));
  });
  return { graph, layout, visible, incident, edgeIndex: new Map(graph.edges.map((e, i) => [e.item, i])) };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `focus` kept where it is still valid in `scene`, else the first product in reading order. */
export function reconcile(focus: GraphFocus, scene: GraphScene): GraphFocus {
  const first = scene.layout.order[0];
  const node =
    focus.node !== null && scene.layout.nodeIndex.has(focus.node) ? focus.node : first === undefined ? null : scene.graph.nodes[first]!.id;
  const edge = focus.edge === null ? undefined : scene.edgeIndex.get(focus.edge);
  const keepEdge = edge !== undefined && scene.visible[edge] === true && touches(scene, edge, node);
  return { node, edge: keepEdge ? focus.edge : null };
}

function touches(scene: GraphScene, edge: number, node: string | null): boolean {
  const e = scene.graph.edges[edge]!;
  return e.source === node || e.target === node;
}

/** The focus after a move, edge or jump key; other keys leave it as it is. */
export function moveFocus(focus: GraphFocus, key: GraphKey, scene: GraphScene): GraphFocus {
  switch (key.type) {
    case "move": {
      const node = nearestNode(focus.node, key.direction, scene);
      return node === null ? focus : { node, edge: null };
    }
    case "edge":
      return stepEdge(focus, key.delta, scene);
    case "jump":
      return jump(focus, key.to, key.delta, scene);
    default:
      return focus;
  }
}

/** Enter: the item to open when an edge is focused, else the focus on the node's first edge. */
export function enter(focus: GraphFocus, scene: GraphScene): { open: string } | { focus: GraphFocus } {
  if (focus.edge !== null) return { open: focus.edge };
  return { focus: stepEdge(focus, 1, scene) };
}

/** Esc: from an edge back to its product; from a product, out of the graph. */
export function back(focus: GraphFocus): GraphFocus | "close" {
  return focus.edge === null ? "close" : { ...focus, edge: null };
}

/**
 * The closest product in `direction`: only those ahead by more than half a node's step count, and
 * sideways distance weighs three times as much as distance ahead (so the next one in the same
 * row or column wins); ties go to reading order.
 */
function nearestNode(from: string | null, direction: Direction, scene: GraphScene): string | null {
  const { layout, graph } = scene;
  const origin = from === null ? undefined : layout.nodeIndex.get(from);
  if (origin === undefined) return null;
  const p = layout.nodes[origin]!;
  let best: number | null = null;
  let bestScore = Infinity;
  for (const candidate of layout.order) {
    if (candidate === origin) continue;
    const q = layout.nodes[candidate]!;
    const dx = q.x - p.x;
    const dy = q.y - p.y;
    const [ahead, aside] =
      direction === "right" ? [dx, dy] : direction === "left" ? [-dx, dy] : direction === "down" ? [dy, dx] : [-dy, dx];
    if (ahead <= 1) continue;
    const score = ahead + 3 * Math.abs(aside);
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return best === null ? null : graph.nodes[best]!.id;
}

/** The visible edge `delta` after the focused one among the node's edges, wrapping round. */
function stepEdge(focus: GraphFocus, delta: 1 | -1, scene: GraphScene): GraphFocus {
  const node = focus.node === null ? undefined : scene.layout.nodeIndex.get(focus.node);
  if (node === undefined) return focus;
  const edges = scene.incident[node]!.filter((i) => scene.visible[i]);
  if (edges.length === 0) return focus;
  const at = focus.edge === null ? -1 : edges.indexOf(scene.edgeIndex.get(focus.edge)!);
  const next = at === -1 ? (delta === 1 ? 0 : edges.length - 1) : (at + delta + edges.length) % edges.length;
  return { node: focus.node, edge: scene.graph.edges[edges[next]!]!.item };
}

/** The visible candidate (or conflicting) edge `delta` after the focused one, in item order, wrapping round; its source becomes the focused product. */
function jump(focus: GraphFocus, to: "candidate" | "conflict", delta: 1 | -1, scene: GraphScene): GraphFocus {
  const { graph, visible } = scene;
  const wanted = (i: number) =>
    visible[i] === true && (to === "candidate" ? edgeState(graph.edges[i]!) === "candidate" : graph.edges[i]!.conflicts.length > 0);
  const count = graph.edges.length;
  const at = focus.edge === null ? undefined : scene.edgeIndex.get(focus.edge);
  const start = at ?? (delta === 1 ? -1 : count);
  for (let step = 1; step <= count; step++) {
    const i = (((start + step * delta) % count) + count) % count;
    if (wanted(i)) return { node: graph.edges[i]!.source, edge: graph.edges[i]!.item };
  }
  return focus;
}
