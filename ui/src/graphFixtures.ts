// Review graphs for the graph modules' tests.
import type { ItemStatus } from "./bindings/ItemStatus";
import type { ReviewEdge } from "./bindings/ReviewEdge";
import type { ReviewGraph } from "./bindings/ReviewGraph";

/** An edge `source → target` (`item` defaults to `source-target`), pending in domain `music`. */
export function edge(source: string, target: string, extra: Partial<ReviewEdge> = {}): ReviewEdge {
  return {
    item: `${source}-${target}`,
    source,
    target,
    domain: "music",
    status: "pending" as ItemStatus,
    relation: { type: "foreign_key", cardinality: "N:1", mapping: [{ source_field: `${target}Id`, target_field: `${target}Id` }] },
    not_related: false,
    conflicts: [],
    ...extra,
  };
}

/** A graph of `edges` whose nodes are `extraNodes` plus every product the edges name, sorted. */
export function graphOf(edges: ReviewEdge[], extraNodes: string[] = []): ReviewGraph {
  const ids = [...new Set([...extraNodes, ...edges.flatMap((e) => [e.source, e.target])])].sort();
  return { nodes: ids.map((id) => ({ id, registered: true, row_count: 10 })), edges };
}

/** `products` products and `candidates` pending edges between them, pseudo-random but fixed. */
export function largeGraph(products: number, candidates: number): ReviewGraph {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const name = (i: number) => `P${String(i).padStart(4, "0")}`;
  const edges = Array.from({ length: candidates }, (_, i) =>
    edge(name(Math.floor(random() * products)), name(Math.floor(random() * products)), { item: `rel-${i}`, domain: i % 3 === 0 ? "sales" : "music" }),
  );
  return graphOf(edges, Array.from({ length: products }, (_, i) => name(i)));
}
