import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DEFAULT_FILTER, visibleEdges } from "../../graphFilter";
import { edge, graphOf } from "../../graphFixtures";
import { layoutGraph } from "../../graphLayout";
import { sceneOf } from "../../graphNav";
import { GraphCanvas } from "./GraphCanvas";

const graph = graphOf([
  edge("Invoice", "Customer", { item: "accepted", status: "approved" }),
  edge("Invoice", "Employee", { item: "candidate", conflicts: [{ kind: "same_source_other_target", other_item: "accepted", message: "m" }] }),
  edge("Track", "Album", { item: "rejected", status: "rejected" }),
  edge("<img src=x onerror=alert(1)>", "Album", { item: "hostile" }),
]);
const scene = sceneOf(graph, layoutGraph(graph), visibleEdges(graph, DEFAULT_FILTER));
const render = (focus = { node: "Invoice", edge: "candidate" }) =>
  renderToStaticMarkup(<GraphCanvas scene={scene} focus={focus} zoom={1} onFocus={() => {}} onOpen={() => {}} />);

/** The opening tag of the edge path of `item`. */
const edgeTag = (html: string, item: string) => new RegExp(`<path[^>]*class="graph-edge[^"]*"[^>]*data-item="${item}"[^>]*>`).exec(html)?.[0];

describe("GraphCanvas", () => {
  it("draws accepted edges solid and candidates dashed, with status and conflict as attributes", () => {
    const html = render();
    const accepted = edgeTag(html, "accepted")!;
    expect(accepted).toContain('data-status="approved"');
    expect(accepted).not.toContain("stroke-dasharray");
    const candidate = edgeTag(html, "candidate")!;
    expect(candidate).toContain('data-status="pending"');
    expect(candidate).toContain('data-conflict="true"');
    expect(candidate).toContain('stroke-dasharray="7 5"');
    expect(candidate).toContain("graph-edge-conflict");
  });

  it("leaves hidden statuses out and marks the focus", () => {
    const html = render();
    expect(edgeTag(html, "rejected"), "rejected items are hidden by default").toBeUndefined();
    expect(html).toContain('data-focus-item="candidate"');
    expect(html).toContain('data-testid="graph-focus-node"');
  });

  it("renders product names as text", () => {
    const html = render();
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x");
  });
});
