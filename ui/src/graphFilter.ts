// What the review graph shows of each relationship item: how it is drawn (its state) and whether
// the reviewer's filters (domain, statuses) let it through. Pure.
import type { ItemStatus } from "./bindings/ItemStatus";
import type { ReviewEdge } from "./bindings/ReviewEdge";
import type { ReviewGraph } from "./bindings/ReviewGraph";

/**
 * How an edge is drawn: `accepted` (approved or edited, solid), `candidate` (pending or deferred
 * to an SME, dashed), `rejected` and `not_related` (an accepted `not_related` verdict), both
 * hidden by default. A conflict is drawn on top of any of them.
 */
export type EdgeState = "accepted" | "candidate" | "rejected" | "not_related";

export function edgeState(edge: ReviewEdge): EdgeState {
  switch (edge.status) {
    case "pending":
    case "needs_sme":
      return "candidate";
    case "rejected":
      return "rejected";
    case "approved":
    case "edited":
      return edge.not_related ? "not_related" : "accepted";
  }
}

/** A status the filter offers: the item statuses, with accepted `not_related` verdicts apart. */
export type StatusChoice = ItemStatus | "not_related";

/** In the filter's order; the filter's number keys are 1-based indexes into it. */
export const STATUS_CHOICES: readonly StatusChoice[] = ["pending", "needs_sme", "approved", "edited", "rejected", "not_related"];

export const STATUS_LABEL: Record<StatusChoice, string> = {
  pending: "Pending",
  needs_sme: "Needs SME",
  approved: "Approved",
  edited: "Edited",
  rejected: "Rejected",
  not_related: "Not related",
};

export function statusChoiceOf(edge: ReviewEdge): StatusChoice {
  return edgeState(edge) === "not_related" ? "not_related" : edge.status;
}

export interface GraphFilter {
  /** Only this domain's items; null for every domain. */
  domain: string | null;
  statuses: ReadonlySet<StatusChoice>;
}

/** Everything but rejected items and `not_related` verdicts. */
export const DEFAULT_FILTER: GraphFilter = {
  domain: null,
  statuses: new Set<StatusChoice>(["pending", "needs_sme", "approved", "edited"]),
};

/** Per edge (indexed like `graph.edges`): does the filter let it through? */
export function visibleEdges(graph: ReviewGraph, filter: GraphFilter): boolean[] {
  return graph.edges.map((e) => (filter.domain === null || e.domain === filter.domain) && filter.statuses.has(statusChoiceOf(e)));
}

/** The domains of the graph's items, sorted. */
export function domainsOf(graph: ReviewGraph): string[] {
  return [...new Set(graph.edges.map((e) => e.domain))].sort();
}

/** The domain after `current` in `domains`, then back to every domain (null). */
export function nextDomain(domains: readonly string[], current: string | null): string | null {
  const next = current === null ? 0 : domains.indexOf(current) + 1;
  return domains[next] ?? null;
}

export function toggleStatus(filter: GraphFilter, choice: StatusChoice): GraphFilter {
  const statuses = new Set(filter.statuses);
  if (!statuses.delete(choice)) statuses.add(choice);
  return { ...filter, statuses };
}
