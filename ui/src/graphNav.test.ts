import { describe, expect, it } from "vitest";
import type { ReviewGraph } from "./bindings/ReviewGraph";
import { DEFAULT_FILTER, visibleEdges } from "./graphFilter";
import { edge, graphOf } from "./graphFixtures";
import { layoutGraph } from "./graphLayout";
import { NO_FOCUS, back, enter, graphKeyOf, moveFocus, reconcile, sceneOf, type GraphFocus, type GraphKey } from "./graphNav";

const press = (key: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean }> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

function scene(graph: ReviewGraph) {
  return sceneOf(graph, layoutGraph(graph), visibleEdges(graph, DEFAULT_FILTER));
}

/** Invoice is the hub, alone in the first column; Customer, Employee, InvoiceLine in the second. */
const chinook = graphOf([
  edge("Invoice", "Customer", { item: "inv-cust", status: "approved" }),
  edge("Invoice", "Employee", { item: "inv-emp", conflicts: [{ kind: "same_source_other_target", other_item: "inv-cust", message: "…" }] }),
  edge("Customer", "Employee", { item: "cust-emp" }),
  edge("InvoiceLine", "Invoice", { item: "line-inv" }),
  edge("Invoice", "Customer", { item: "inv-cust-rejected", status: "rejected" }),
]);

describe("graphKeyOf", () => {
  it("reads arrows and vim keys as moves, brackets as edges, n and c as jumps", () => {
    expect(graphKeyOf(press("ArrowLeft"))).toEqual({ type: "move", direction: "left" });
    expect(graphKeyOf(press("j"))).toEqual({ type: "move", direction: "down" });
    expect(graphKeyOf(press("]"))).toEqual({ type: "edge", delta: 1 });
    expect(graphKeyOf(press("N", { shiftKey: true }))).toEqual({ type: "jump", to: "candidate", delta: -1 });
    expect(graphKeyOf(press("c"))).toEqual({ type: "jump", to: "conflict", delta: 1 });
    expect(graphKeyOf(press("3"))).toEqual({ type: "status", index: 2 });
    expect(graphKeyOf(press("Enter"))).toEqual({ type: "open" });
  });

  it("leaves chords with Ctrl to the keymap and ignores other keys", () => {
    expect(graphKeyOf(press("g", { ctrlKey: true, shiftKey: true }))).toBeNull();
    expect(graphKeyOf(press("a"))).toBeNull();
    expect(graphKeyOf(press("7"))).toBeNull();
  });

  it("opens approve-by-rule with B, never approving anything by itself", () => {
    expect(graphKeyOf(press("b"))).toEqual({ type: "rule" });
  });
});

describe("focus", () => {
  const s = scene(chinook);
  const go = (focus: GraphFocus, ...keys: GraphKey[]) => keys.reduce((f, key) => moveFocus(f, key, s), focus);

  it("starts on the first product in reading order and keeps a focus that is still valid", () => {
    const start = reconcile(NO_FOCUS, s);
    expect(start).toEqual({ node: "Invoice", edge: null });
    expect(reconcile({ node: "Customer", edge: "cust-emp" }, s)).toEqual({ node: "Customer", edge: "cust-emp" });
    expect(reconcile({ node: "Gone", edge: "gone" }, s), "a product that left the graph").toEqual(start);
    expect(reconcile({ node: "Invoice", edge: "inv-cust-rejected" }, s), "a hidden edge loses the focus").toEqual({ node: "Invoice", edge: null });
    expect(reconcile({ node: "Customer", edge: "line-inv" }, s), "an edge must touch the product").toEqual({ node: "Customer", edge: null });
  });

  it("moves to the nearest product in the arrow's direction, and stays at the border", () => {
    const move = (node: string, direction: "left" | "right" | "up" | "down") => go({ node, edge: null }, { type: "move", direction }).node;
    expect(move("Invoice", "right"), "the one in the same row").toBe("Employee");
    expect(move("Employee", "up")).toBe("Customer");
    expect(move("Employee", "down")).toBe("InvoiceLine");
    expect(move("Customer", "left")).toBe("Invoice");
    expect(move("Employee", "right"), "nothing further right").toBe("Employee");
    expect(go({ node: "Invoice", edge: "inv-emp" }, { type: "move", direction: "right" }), "a move leaves the edge").toEqual({
      node: "Employee",
      edge: null,
    });
  });

  it("cycles through a product's visible relationships with ] and [", () => {
    const at = { node: "Invoice", edge: null };
    // Invoice's edges by the other product: Customer (inv-cust; the rejected one is hidden), Employee, InvoiceLine.
    expect(go(at, { type: "edge", delta: 1 }).edge).toBe("inv-cust");
    expect(go(at, { type: "edge", delta: 1 }, { type: "edge", delta: 1 }).edge).toBe("inv-emp");
    expect(go(at, { type: "edge", delta: -1 }).edge, "[ starts from the last").toBe("line-inv");
    expect(go(at, ...Array<GraphKey>(3).fill({ type: "edge", delta: 1 }), { type: "edge", delta: 1 }).edge, "wraps round").toBe("inv-cust");
  });

  it("jumps to the next candidate or conflict anywhere, focusing its source", () => {
    const first = go(NO_FOCUS, { type: "jump", to: "candidate", delta: 1 });
    expect(first).toEqual({ node: "Invoice", edge: "inv-emp" });
    expect(go(first, { type: "jump", to: "candidate", delta: 1 })).toEqual({ node: "Customer", edge: "cust-emp" });
    expect(go(first, { type: "jump", to: "candidate", delta: -1 }), "wraps round backwards").toEqual({ node: "InvoiceLine", edge: "line-inv" });
    expect(go({ node: "Customer", edge: null }, { type: "jump", to: "conflict", delta: 1 }).edge).toBe("inv-emp");
  });

  it("Enter opens a focused edge or steps into a product's first; Esc steps back out", () => {
    expect(enter({ node: "Invoice", edge: "inv-emp" }, s)).toEqual({ open: "inv-emp" });
    expect(enter({ node: "Invoice", edge: null }, s)).toEqual({ focus: { node: "Invoice", edge: "inv-cust" } });
    expect(back({ node: "Invoice", edge: "inv-emp" })).toEqual({ node: "Invoice", edge: null });
    expect(back({ node: "Invoice", edge: null })).toBe("close");
  });
});
