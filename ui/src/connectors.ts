// Geometry of the lines drawn between mapped fields in the relationship review: pure, so it is
// tested without a browser. components/MappingConnectors.tsx measures the rows and draws.
import type { Cardinality } from "./bindings/Cardinality";
import type { FieldPair } from "./bindings/FieldPair";

/** A rectangle in any one coordinate space (e.g. getBoundingClientRect()). */
export interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface Connector {
  /** Position of the pair in the mapping (composite keys have several). */
  index: number;
  pair: FieldPair;
  /** Endpoints relative to the container: the source row's right edge, the target row's left edge. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** An SVG path from (x1, y1) to (x2, y2): a horizontal S-curve. */
  path: string;
  /** Multiplicity at each end ("N" at the source and "1" at the target for N:1). */
  sourceEnd: string;
  targetEnd: string;
  /** The relation's cardinality, shown at the middle of the line. */
  label: Cardinality;
  midX: number;
  midY: number;
}

/** "N:1" → ["N", "1"]: how many rows sit at the source end and at the target end of a line. */
export function cardinalityEnds(cardinality: Cardinality): [string, string] {
  const [source = "?", target = "?"] = cardinality.split(":");
  return [source, target];
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * One connector per mapped pair whose two rows were both found. Nothing is drawn when the two
 * products are not side by side (stacked on a narrow window): the text mapping says it all.
 */
export function layoutConnectors(
  container: Box,
  mapping: readonly FieldPair[],
  sourceRows: ReadonlyMap<string, Box>,
  targetRows: ReadonlyMap<string, Box>,
  cardinality: Cardinality,
): Connector[] {
  const [sourceEnd, targetEnd] = cardinalityEnds(cardinality);
  const connectors: Connector[] = [];
  mapping.forEach((pair, index) => {
    const from = sourceRows.get(pair.source_field);
    const to = targetRows.get(pair.target_field);
    if (from === undefined || to === undefined || to.left < from.right) return;
    const x1 = round(from.right - container.left);
    const y1 = round((from.top + from.bottom) / 2 - container.top);
    const x2 = round(to.left - container.left);
    const y2 = round((to.top + to.bottom) / 2 - container.top);
    const bend = round((x2 - x1) / 2);
    connectors.push({
      index,
      pair,
      x1,
      y1,
      x2,
      y2,
      path: `M ${x1} ${y1} C ${round(x1 + bend)} ${y1}, ${round(x2 - bend)} ${y2}, ${x2} ${y2}`,
      sourceEnd,
      targetEnd,
      label: cardinality,
      // The curve is symmetric, so its midpoint is the midpoint of its ends.
      midX: round((x1 + x2) / 2),
      midY: round((y1 + y2) / 2),
    });
  });
  return connectors;
}
