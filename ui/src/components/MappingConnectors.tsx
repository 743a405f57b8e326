// Lines between each mapped source field and its target field, over the two products shown side
// by side. Measured from the DOM rows (FieldsTable marks them with data-field) and re-measured on
// resize, scroll and every change of the mapping. Decorative for assistive technology: the same
// mapping is in the relation summary as text.
import { useCallback, useLayoutEffect, useRef, useState } from "react";
import type { Cardinality } from "../bindings/Cardinality";
import type { FieldPair } from "../bindings/FieldPair";
import { layoutConnectors, type Box, type Connector } from "../connectors";

interface MappingConnectorsProps {
  mapping: readonly FieldPair[];
  cardinality: Cardinality;
}

/** The rows of one side's fields table, by field name (compared as data, never as a selector). */
function rowsOf(container: HTMLElement, role: "source" | "target"): Map<string, Box> {
  const rows = new Map<string, Box>();
  for (const row of container.querySelectorAll<HTMLElement>(`[data-testid="product-${role}"] tr[data-field]`)) {
    const name = row.dataset.field;
    if (name !== undefined && !rows.has(name)) rows.set(name, row.getBoundingClientRect());
  }
  return rows;
}

/** Rendered inside the element that holds both product cards (position: relative). */
export function MappingConnectors({ mapping, cardinality }: MappingConnectorsProps) {
  // The parent is read through the svg's own ref: a parent's ref is not attached yet when a
  // child's layout effect first runs.
  const svg = useRef<SVGSVGElement>(null);
  const [lines, setLines] = useState<{ connectors: Connector[]; width: number; height: number; signature: string }>({
    connectors: [],
    width: 0,
    height: 0,
    signature: "",
  });
  const measure = useCallback(() => {
    const element = svg.current?.parentElement ?? null;
    if (element === null) return;
    const box = element.getBoundingClientRect();
    const connectors = layoutConnectors(box, mapping, rowsOf(element, "source"), rowsOf(element, "target"), cardinality);
    // Scrolling re-measures every frame: re-render only when something moved.
    const signature = `${box.width}x${box.height}|${connectors.map((c) => c.path).join("|")}|${cardinality}`;
    setLines((old) => (old.signature === signature ? old : { connectors, width: box.width, height: box.height, signature }));
  }, [mapping, cardinality]);

  useLayoutEffect(() => {
    measure();
    const element = svg.current?.parentElement ?? null;
    if (element === null) return;
    let frame = 0;
    const schedule = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(measure);
    };
    const observer = new ResizeObserver(schedule);
    observer.observe(element);
    for (const table of element.querySelectorAll(".fields-table")) observer.observe(table);
    window.addEventListener("resize", schedule);
    // Capture: a scroll in any ancestor or inner scroll area may move the rows.
    document.addEventListener("scroll", schedule, true);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
      window.removeEventListener("resize", schedule);
      document.removeEventListener("scroll", schedule, true);
    };
  }, [measure]);

  return (
    <svg
      ref={svg}
      className="mapping-connectors"
      data-testid="mapping-connectors"
      width={lines.width}
      height={lines.height}
      viewBox={`0 0 ${lines.width} ${lines.height}`}
      aria-hidden="true"
      focusable="false"
    >
      {lines.connectors.map((c) => (
        <g key={`${c.index}:${c.pair.source_field}→${c.pair.target_field}`} className="connector" data-testid="connector" data-source-field={c.pair.source_field} data-target-field={c.pair.target_field}>
          <path className="connector-line" d={c.path} />
          <circle className="connector-end" cx={c.x1} cy={c.y1} r={3} />
          <circle className="connector-end" cx={c.x2} cy={c.y2} r={3} />
          <text className="connector-end-label" x={c.x1 + 6} y={c.y1 - 5} textAnchor="start">
            {c.sourceEnd}
          </text>
          <text className="connector-end-label" x={c.x2 - 6} y={c.y2 - 5} textAnchor="end">
            {c.targetEnd}
          </text>
          <rect className="connector-label-bg" x={c.midX - 15} y={c.midY - 8} width={30} height={16} rx={4} />
          <text className="connector-label" x={c.midX} y={c.midY + 4} textAnchor="middle">
            {c.label}
          </text>
        </g>
      ))}
    </svg>
  );
}
