import { describe, expect, it } from "vitest";
import { cardinalityEnds, layoutConnectors, type Box } from "./connectors";

const box = (left: number, top: number, width: number, height: number): Box => ({ left, top, right: left + width, bottom: top + height });
// A container at (100, 50); source rows end at x=400, target rows start at x=472 (a 72px gutter).
const container = box(100, 50, 800, 600);
const sourceRows = new Map([
  ["CustomerId", box(100, 100, 300, 24)],
  ["BillingCity", box(100, 124, 300, 24)],
]);
const targetRows = new Map([
  ["CustomerId", box(472, 100, 300, 24)],
  ["City", box(472, 196, 300, 24)],
]);

describe("layoutConnectors", () => {
  it("joins the source row's right edge to the target row's left edge, relative to the container", () => {
    const [line, ...rest] = layoutConnectors(container, [{ source_field: "CustomerId", target_field: "CustomerId" }], sourceRows, targetRows, "N:1");
    expect(rest, "one pair, one line").toEqual([]);
    expect(line, "endpoints at row middles").toMatchObject({ x1: 300, y1: 62, x2: 372, y2: 62, index: 0 });
    expect(line?.path, "an S-curve through the gutter").toBe("M 300 62 C 336 62, 336 62, 372 62");
  });

  it("labels each line with the cardinality and the multiplicity at each end", () => {
    const [line] = layoutConnectors(container, [{ source_field: "CustomerId", target_field: "CustomerId" }], sourceRows, targetRows, "N:1");
    expect(line, "N at the source, 1 at the target").toMatchObject({ label: "N:1", sourceEnd: "N", targetEnd: "1", midX: 336, midY: 62 });
    expect(cardinalityEnds("1:N")).toEqual(["1", "N"]);
    expect(cardinalityEnds("N:M")).toEqual(["N", "M"]);
  });

  it("draws one line per pair of a composite key", () => {
    const mapping = [
      { source_field: "CustomerId", target_field: "CustomerId" },
      { source_field: "BillingCity", target_field: "City" },
    ];
    const lines = layoutConnectors(container, mapping, sourceRows, targetRows, "1:1");
    expect(lines.map((l) => [l.index, l.y1, l.y2]), "two lines, each between its own rows").toEqual([
      [0, 62, 62],
      [1, 86, 158],
    ]);
  });

  it("skips pairs whose field is not shown (a draft's empty pick, an unknown name)", () => {
    const mapping = [
      { source_field: "", target_field: "CustomerId" },
      { source_field: "CustomerId", target_field: "Nope" },
      { source_field: "BillingCity", target_field: "City" },
    ];
    expect(layoutConnectors(container, mapping, sourceRows, targetRows, "N:1").map((l) => l.index), "only the complete pair").toEqual([2]);
  });

  it("draws nothing when the products are stacked instead of side by side", () => {
    const stacked = new Map([["CustomerId", box(100, 400, 300, 24)]]);
    expect(layoutConnectors(container, [{ source_field: "CustomerId", target_field: "CustomerId" }], sourceRows, stacked, "N:1")).toEqual([]);
  });
});
