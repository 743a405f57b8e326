// The mock's review graph: the relationship items it holds, between the products they name. No
// conflict detection (the core's `review_graph` does that); statuses follow the mock's decisions.
import type { Item } from "../src/bindings/Item";
import type { ReviewEdge } from "../src/bindings/ReviewEdge";
import type { ReviewGraph } from "../src/bindings/ReviewGraph";

export function mockReviewGraph(items: readonly Item[]): ReviewGraph {
  const edges: ReviewEdge[] = [];
  for (const item of items) {
    if (item.body.kind !== "relationship") continue;
    const relation = item.latest_edit?.kind === "relationship" ? item.latest_edit.relation : item.body.relation;
    edges.push({
      item: item.external_id,
      source: item.body.source.product,
      target: item.body.target.product,
      domain: item.domain,
      status: item.status,
      relation,
      not_related: relation.type === "not_related",
      conflicts: [],
    });
  }
  const ids = [...new Set(edges.flatMap((e) => [e.source, e.target]))].sort();
  return { nodes: ids.map((id) => ({ id, registered: true, row_count: null })), edges };
}
