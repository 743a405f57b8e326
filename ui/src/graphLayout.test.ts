import { describe, expect, it } from "vitest";
import { edge, graphOf, largeGraph } from "./graphFixtures";
import { NODE_HEIGHT, NODE_WIDTH, boxExit, layoutGraph, nodeLabel, scrollToShow, type Point } from "./graphLayout";

const at = (layout: ReturnType<typeof layoutGraph>, id: string): Point => layout.nodes[layout.nodeIndex.get(id)!]!;

describe("layoutGraph", () => {
  it("places a chain in columns from its best-connected product", () => {
    const layout = layoutGraph(graphOf([edge("Invoice", "Customer"), edge("InvoiceLine", "Invoice"), edge("Customer", "Employee")]));
    // Customer and Invoice both have two neighbours; Customer wins on its name.
    expect(at(layout, "Customer").x, "the root is in the first column").toBeLessThan(at(layout, "Invoice").x);
    expect(at(layout, "Invoice").x, "neighbours share the next column").toBe(at(layout, "Employee").x);
    expect(at(layout, "InvoiceLine").x).toBeGreaterThan(at(layout, "Invoice").x);
  });

  it("is deterministic and independent of status: the same products and items give the same picture", () => {
    const graph = largeGraph(60, 120);
    const decided = { ...graph, edges: graph.edges.map((e, i) => (i % 2 === 0 ? { ...e, status: "approved" as const } : e)) };
    expect(layoutGraph(decided)).toEqual(layoutGraph(graph));
  });

  it("never puts two products on the same spot, and keeps every box inside the picture", () => {
    const layout = layoutGraph(largeGraph(500, 2000));
    const spots = new Set(layout.nodes.map((p) => `${p.x},${p.y}`));
    expect(spots.size, "one spot per product").toBe(500);
    for (const p of layout.nodes) {
      expect(p.x - NODE_WIDTH / 2).toBeGreaterThanOrEqual(0);
      expect(p.y - NODE_HEIGHT / 2).toBeGreaterThanOrEqual(0);
      expect(p.x + NODE_WIDTH / 2).toBeLessThanOrEqual(layout.width);
      expect(p.y + NODE_HEIGHT / 2).toBeLessThanOrEqual(layout.height);
    }
    expect(layout.order, "reading order lists every product once").toHaveLength(500);
    expect(new Set(layout.order).size).toBe(500);
    expect(layout.edgePaths).toHaveLength(2000);
  });

  it("wraps a long layer into several columns", () => {
    const star = graphOf(Array.from({ length: 60 }, (_, i) => edge(`Leaf${String(i).padStart(2, "0")}`, "Hub")));
    const layout = layoutGraph(star);
    const columns = new Set(layout.nodes.map((p) => p.x));
    expect(columns.size, "the hub, then 60 leaves in columns of at most 24").toBe(1 + 3);
    expect(Math.max(...layout.nodes.map((p) => p.y)), "no taller than 24 rows").toBeLessThan(24 * (NODE_HEIGHT + 22));
  });

  it("lays out 500 products and 2,000 relationships fast", () => {
    const graph = largeGraph(500, 2000);
    const started = performance.now();
    layoutGraph(graph);
    expect(performance.now() - started, "well inside one frame budget on this machine").toBeLessThan(200);
  });

  it("packs separate components, largest first, without overlap", () => {
    const layout = layoutGraph(graphOf([edge("A", "B"), edge("C", "D"), edge("D", "E")], ["Lonely"]));
    const first = layout.order.slice(0, 3).map((i) => ["A", "B", "C", "D", "E", "Lonely"][i]);
    expect(first.sort(), "the three-product component comes first").toEqual(["C", "D", "E"]);
    const rows = new Set(layout.nodes.map((p) => Math.round(p.y)));
    const columns = new Set(layout.nodes.map((p) => Math.round(p.x)));
    expect(rows.size * columns.size, "distinct spots").toBeGreaterThanOrEqual(6);
  });

  it("fans out relationships between the same two products and loops a self-relation", () => {
    const layout = layoutGraph(graphOf([edge("A", "B", { item: "1" }), edge("B", "A", { item: "2" }), edge("A", "A", { item: "3" })]));
    const [one, two, loop] = layout.edgePaths;
    expect(one).toMatch(/^M[\d.,-]+Q/);
    expect(two).toMatch(/^M[\d.,-]+Q/);
    expect(one, "two curves, not one line drawn twice").not.toBe(two);
    expect(loop).toMatch(/^M[\d.,-]+C/);
  });

  it("draws a single relationship as a straight line between the box edges", () => {
    const layout = layoutGraph(graphOf([edge("A", "B")]));
    const a = at(layout, "A");
    expect(layout.edgePaths[0]).toBe(`M${a.x + NODE_WIDTH / 2},${a.y}L${at(layout, "B").x - NODE_WIDTH / 2},${a.y}`);
  });
});

describe("boxExit", () => {
  it("leaves through the side the target lies beyond", () => {
    expect(boxExit({ x: 0, y: 0 }, { x: 500, y: 0 })).toEqual({ x: NODE_WIDTH / 2, y: 0 });
    expect(boxExit({ x: 0, y: 0 }, { x: 0, y: -500 })).toEqual({ x: 0, y: -NODE_HEIGHT / 2 });
  });
});

describe("nodeLabel", () => {
  it("keeps short names, cuts long ones and shows invisible characters", () => {
    expect(nodeLabel("InvoiceLine")).toBe("InvoiceLine");
    expect(nodeLabel("a_very_long_product_name_indeed")).toBe("a_very_long_product…");
    expect(nodeLabel("Pay\u202Estneм")).not.toContain("\u202E");
  });
});

describe("scrollToShow", () => {
  it("does not move when the focus is in view", () => {
    expect(scrollToShow(100, 500, [200, 300], [250, 260], 20)).toBe(100);
  });

  it("moves just enough to show the focus, then the other end if both fit", () => {
    expect(scrollToShow(0, 500, [700, 800], [700, 800], 20), "to the right").toBe(320);
    expect(scrollToShow(600, 500, [100, 200], [100, 200], 20), "to the left").toBe(80);
    expect(scrollToShow(0, 500, [700, 800], [400, 450], 20), "both ends").toBe(320);
    expect(scrollToShow(0, 500, [700, 800], [2000, 2100], 20), "too far apart: the focus wins").toBe(320);
    expect(scrollToShow(50, 500, [10, 40], [10, 40], 20), "never negative").toBe(0);
  });
});
