import { describe, expect, it } from "vitest";
import { DEFAULT_FILTER, domainsOf, edgeState, nextDomain, statusChoiceOf, toggleStatus, visibleEdges } from "./graphFilter";
import { edge, graphOf } from "./graphFixtures";

describe("edgeState", () => {
  it("draws accepted items solid, open ones as candidates, and sets verdicts of no relation apart", () => {
    expect(edgeState(edge("A", "B", { status: "approved" }))).toBe("accepted");
    expect(edgeState(edge("A", "B", { status: "edited" }))).toBe("accepted");
    expect(edgeState(edge("A", "B", { status: "pending" }))).toBe("candidate");
    expect(edgeState(edge("A", "B", { status: "needs_sme" }))).toBe("candidate");
    expect(edgeState(edge("A", "B", { status: "rejected" }))).toBe("rejected");
    expect(edgeState(edge("A", "B", { status: "edited", not_related: true }))).toBe("not_related");
    expect(statusChoiceOf(edge("A", "B", { status: "edited", not_related: true }))).toBe("not_related");
  });
});

describe("visibleEdges", () => {
  const graph = graphOf([
    edge("A", "B", { item: "pending" }),
    edge("A", "B", { item: "approved", status: "approved" }),
    edge("A", "B", { item: "rejected", status: "rejected" }),
    edge("A", "B", { item: "unrelated", status: "edited", not_related: true }),
    edge("A", "C", { item: "sales", domain: "sales" }),
  ]);

  it("hides rejected items and not-related verdicts by default", () => {
    expect(visibleEdges(graph, DEFAULT_FILTER)).toEqual([true, true, false, false, true]);
  });

  it("filters by domain and by the statuses toggled", () => {
    expect(visibleEdges(graph, { ...DEFAULT_FILTER, domain: "sales" })).toEqual([false, false, false, false, true]);
    const withRejected = toggleStatus(DEFAULT_FILTER, "rejected");
    expect(visibleEdges(graph, toggleStatus(withRejected, "pending"))).toEqual([false, true, true, false, false]);
    expect(DEFAULT_FILTER.statuses.has("rejected"), "toggling makes a new filter").toBe(false);
  });

  it("cycles through the domains and back to all", () => {
    const domains = domainsOf(graph);
    expect(domains).toEqual(["music", "sales"]);
    expect(nextDomain(domains, null)).toBe("music");
    expect(nextDomain(domains, "music")).toBe("sales");
    expect(nextDomain(domains, "sales")).toBe(null);
  });
});
