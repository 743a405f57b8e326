// Where the review graph's products and relationships are drawn. Pure and deterministic: the same
// graph gives the same picture. Every edge counts, whatever its status or the filters shown (they
// hide edges, they never move nodes), so a decision changes an edge's style, not the picture.
//
// The layout is layered per connected component, O(nodes + edges):
//  1. components over all edges (self-loops aside), each laid out on its own;
//  2. in a component, layers are BFS distances from its best-connected node (ties: smallest id),
//     one column per layer, then each column is ordered once by the mean row of its neighbours
//     in the column before (ties: id); a layer taller than MAX_ROWS wraps into several columns,
//     so a large component is wide rather than one very tall strip;
//  3. components are packed left to right in shelves, largest first (ties: smallest id).
// Edges between the same two products fan out as curves; a self-relation is a loop.
import type { ReviewGraph } from "./bindings/ReviewGraph";
import { visibleText } from "./invisibles";

export const NODE_WIDTH = 150;
export const NODE_HEIGHT = 30;
const COLUMN_GAP = 90;
const ROW_GAP = 22;
const COMPONENT_GAP = 50;
const MARGIN = 30;
/** Products per column at most: a longer layer continues in the next column. */
const MAX_ROWS = 24;
/** Curves between the same two products sit this far apart at their middle. */
const FAN_STEP = 16;

const COLUMN = NODE_WIDTH + COLUMN_GAP;
const ROW = NODE_HEIGHT + ROW_GAP;

export interface Point {
  x: number;
  y: number;
}

export interface GraphLayout {
  width: number;
  height: number;
  /** Node centres, indexed like `graph.nodes`. */
  nodes: readonly Point[];
  /** Node index by product name. */
  nodeIndex: ReadonlyMap<string, number>;
  /** SVG path data per edge, indexed like `graph.edges`, clipped to the node boxes. */
  edgePaths: readonly string[];
  /** Node indexes in reading order: component by component, column by column, top to bottom. */
  order: readonly number[];
}

/** The layout of `graph`; every edge's products must be among its nodes. */
export function layoutGraph(graph: ReviewGraph): GraphLayout {
  const ids = graph.nodes.map((n) => n.id);
  const nodeIndex = new Map(ids.map((id, i) => [id, i]));
  const ends = graph.edges.map((e) => [indexOf(nodeIndex, e.source), indexOf(nodeIndex, e.target)] as const);
  const neighbours = adjacency(ids, ends);
  const components = componentsOf(ids, neighbours);
  const shapes = components.map((members) => arrangeComponent(members, ids, neighbours));
  const { origins, width, height } = packShelves(shapes.map((s) => s.size));
  const nodes: Point[] = ids.map(() => ({ x: 0, y: 0 }));
  const order: number[] = [];
  shapes.forEach((shape, c) => {
    const origin = origins[c]!;
    for (const { node, column, row } of shape.cells) {
      nodes[node] = { x: origin.x + column * COLUMN + NODE_WIDTH / 2, y: origin.y + row * ROW + NODE_HEIGHT / 2 };
      order.push(node);
    }
  });
  return { width, height, nodes, nodeIndex, edgePaths: edgePaths(ends, nodes), order };
}

function indexOf(nodeIndex: ReadonlyMap<string, number>, id: string): number {
  const index = nodeIndex.get(id);
  if (index === undefined) throw new Error(`graph edge names '${id}', which is not a node`);
  return index;
}

/** Sorted neighbour lists (by id), without self-loops or repeats. */
function adjacency(ids: readonly string[], ends: readonly (readonly [number, number])[]): number[][] {
  const sets = ids.map(() => new Set<number>());
  for (const [s, t] of ends) {
    if (s === t) continue;
    sets[s]!.add(t);
    sets[t]!.add(s);
  }
  const byId = (a: number, b: number) => compareIds(ids[a]!, ids[b]!);
  return sets.map((set) => [...set].sort(byId));
}

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Connected components, each listed from its root: the best-connected node, ties by id. */
function componentsOf(ids: readonly string[], neighbours: readonly number[][]): number[][] {
  const byId = ids.map((_, i) => i).sort((a, b) => compareIds(ids[a]!, ids[b]!));
  const seen = new Uint8Array(ids.length);
  const components: number[][] = [];
  for (const start of byId) {
    if (seen[start] === 1) continue;
    const members = [start];
    seen[start] = 1;
    for (let i = 0; i < members.length; i++) {
      for (const next of neighbours[members[i]!]!) {
        if (seen[next] === 0) {
          seen[next] = 1;
          members.push(next);
        }
      }
    }
    const root = members.reduce((best, n) => {
      const d = neighbours[n]!.length - neighbours[best]!.length;
      return d > 0 || (d === 0 && compareIds(ids[n]!, ids[best]!) < 0) ? n : best;
    });
    components.push([root, ...members.filter((n) => n !== root)]);
  }
  // Largest first, ties by the smallest id in the component (its first member in `byId` order).
  const smallest = components.map((members) => members.reduce((a, b) => (compareIds(ids[a]!, ids[b]!) <= 0 ? a : b)));
  return components
    .map((members, i) => ({ members, key: ids[smallest[i]!]! }))
    .sort((a, b) => b.members.length - a.members.length || compareIds(a.key, b.key))
    .map((c) => c.members);
}

interface Shape {
  /** Width and height of the component's box. */
  size: { width: number; height: number };
  cells: { node: number; column: number; row: number }[];
}

/** Columns by BFS distance from the component's root, each ordered by its neighbours' mean row. */
function arrangeComponent(members: readonly number[], ids: readonly string[], neighbours: readonly number[][]): Shape {
  const depth = new Map<number, number>([[members[0]!, 0]]);
  const queue = [members[0]!];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const next of neighbours[node]!) {
      if (!depth.has(next)) {
        depth.set(next, depth.get(node)! + 1);
        queue.push(next);
      }
    }
  }
  const columns: number[][] = [];
  for (const node of queue) (columns[depth.get(node)!] ??= []).push(node);
  const rowOf = new Map<number, number>();
  columns[0]!.forEach((node, row) => rowOf.set(node, row));
  for (let c = 1; c < columns.length; c++) {
    const mean = (node: number) => {
      const rows = neighbours[node]!.filter((n) => depth.get(n) === c - 1).map((n) => rowOf.get(n)!);
      return rows.reduce((a, b) => a + b, 0) / rows.length;
    };
    const keyed = columns[c]!.map((node) => ({ node, key: mean(node) }));
    keyed.sort((a, b) => a.key - b.key || compareIds(ids[a.node]!, ids[b.node]!));
    columns[c] = keyed.map((k) => k.node);
    columns[c]!.forEach((node, row) => rowOf.set(node, row));
  }
  const wrapped = columns.flatMap((column) =>
    Array.from({ length: Math.ceil(column.length / MAX_ROWS) }, (_, i) => column.slice(i * MAX_ROWS, (i + 1) * MAX_ROWS)),
  );
  const tallest = Math.max(...wrapped.map((column) => column.length));
  const cells = wrapped.flatMap((column, c) =>
    // Shorter columns are centred on the tallest.
    column.map((node, row) => ({ node, column: c, row: row + (tallest - column.length) / 2 })),
  );
  return { size: { width: wrapped.length * COLUMN - COLUMN_GAP, height: tallest * ROW - ROW_GAP }, cells };
}

/** Shelf packing: left to right up to a width that keeps the picture about 3:2, then a new shelf. */
function packShelves(sizes: readonly { width: number; height: number }[]): { origins: Point[]; width: number; height: number } {
  const area = sizes.reduce((sum, s) => sum + (s.width + COMPONENT_GAP) * (s.height + COMPONENT_GAP), 0);
  const widest = Math.max(0, ...sizes.map((s) => s.width));
  const limit = Math.max(widest, Math.sqrt(area * 1.5));
  const origins: Point[] = [];
  let x = 0;
  let y = 0;
  let shelf = 0;
  let width = 0;
  for (const size of sizes) {
    if (x > 0 && x + size.width > limit) {
      y += shelf + COMPONENT_GAP;
      x = 0;
      shelf = 0;
    }
    origins.push({ x: MARGIN + x, y: MARGIN + y });
    x += size.width + COMPONENT_GAP;
    shelf = Math.max(shelf, size.height);
    width = Math.max(width, x - COMPONENT_GAP);
  }
  return { origins, width: width + 2 * MARGIN, height: y + shelf + 2 * MARGIN };
}

/** Path data per edge: straight or fanned curves between two boxes, or a loop on one. */
function edgePaths(ends: readonly (readonly [number, number])[], nodes: readonly Point[]): string[] {
  // Edges between the same two products (either direction), in edge order, fan out around the line.
  const pairKey = (s: number, t: number) => (s < t ? `${s} ${t}` : `${t} ${s}`);
  const total = new Map<string, number>();
  for (const [s, t] of ends) total.set(pairKey(s, t), (total.get(pairKey(s, t)) ?? 0) + 1);
  const used = new Map<string, number>();
  return ends.map(([s, t]) => {
    const key = pairKey(s, t);
    const k = used.get(key) ?? 0;
    used.set(key, k + 1);
    const a = nodes[s]!;
    if (s === t) return loopPath(a, k);
    const b = nodes[t]!;
    // Offsets are measured on the line from the lower to the higher index, so both directions share one fan.
    const [low, high] = s < t ? [a, b] : [b, a];
    const offset = (k - (total.get(key)! - 1) / 2) * FAN_STEP;
    return curvePath(a, b, offset, low, high);
  });
}

const round = (v: number) => Math.round(v * 10) / 10;

function curvePath(a: Point, b: Point, offset: number, low: Point, high: Point): string {
  const length = Math.hypot(high.x - low.x, high.y - low.y) || 1;
  // The unit normal of the low→high line; the control point is twice the offset out (a quadratic
  // curve's middle lies halfway to its control point).
  const nx = -(high.y - low.y) / length;
  const ny = (high.x - low.x) / length;
  const control = { x: (a.x + b.x) / 2 + nx * offset * 2, y: (a.y + b.y) / 2 + ny * offset * 2 };
  const start = boxExit(a, offset === 0 ? b : control);
  const end = boxExit(b, offset === 0 ? a : control);
  if (offset === 0) return `M${round(start.x)},${round(start.y)}L${round(end.x)},${round(end.y)}`;
  return `M${round(start.x)},${round(start.y)}Q${round(control.x)},${round(control.y)} ${round(end.x)},${round(end.y)}`;
}

/** Where the ray from the box centred on `centre` towards `toward` leaves the box. */
export function boxExit(centre: Point, toward: Point): Point {
  const dx = toward.x - centre.x;
  const dy = toward.y - centre.y;
  if (dx === 0 && dy === 0) return centre;
  const scale = Math.min(dx === 0 ? Infinity : NODE_WIDTH / 2 / Math.abs(dx), dy === 0 ? Infinity : NODE_HEIGHT / 2 / Math.abs(dy));
  return { x: centre.x + dx * scale, y: centre.y + dy * scale };
}

/** A loop above the box's right half; the k-th loop on a node is larger. */
function loopPath(centre: Point, k: number): string {
  const top = centre.y - NODE_HEIGHT / 2;
  const x0 = centre.x + NODE_WIDTH / 2 - 40;
  const x1 = centre.x + NODE_WIDTH / 2 - 10;
  const rise = 22 + k * 10;
  return `M${round(x0)},${round(top)}C${round(x0)},${round(top - rise)} ${round(x1)},${round(top - rise)} ${round(x1)},${round(top)}`;
}

/** Characters of a product name that fit in a node box; longer names end in "…". */
const LABEL_CHARS = 20;

/** A node's label: the name with invisible characters made visible, cut to fit its box. */
export function nodeLabel(name: string): string {
  const text = visibleText(name);
  return text.length <= LABEL_CHARS ? text : `${text.slice(0, LABEL_CHARS - 1)}…`;
}

/**
 * The scroll offset (along one axis) that shows `focus` with `margin` around it, moving as little
 * as possible from `start`, and also `other` when both fit in `size`. Never negative.
 */
export function scrollToShow(start: number, size: number, focus: readonly [number, number], other: readonly [number, number], margin: number): number {
  const show = (from: number, [low, high]: readonly [number, number]) =>
    low - margin < from ? low - margin : high + margin > from + size ? high + margin - size : from;
  const both: [number, number] = [Math.min(focus[0], other[0]), Math.max(focus[1], other[1])];
  const shown = both[1] - both[0] + 2 * margin <= size ? show(show(start, focus), both) : show(start, focus);
  return Math.max(0, shown);
}
