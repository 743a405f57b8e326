// The side panel: what is focused (a product, or a relationship with its mapping, status and
// conflicts), then the graph's keys. Names and messages come from data and models: text only.
import type { ReviewEdge } from "../../bindings/ReviewEdge";
import { STATUS_CHOICES, STATUS_LABEL, edgeState, statusChoiceOf } from "../../graphFilter";
import type { GraphFocus, GraphScene } from "../../graphNav";
import { Kbd } from "../Badges";
import { SafeText } from "../SafeText";

export function GraphDetails({ scene, focus, onOpen }: { scene: GraphScene; focus: GraphFocus; onOpen: (item: string) => void }) {
  const edge = focus.edge === null ? undefined : scene.graph.edges[scene.edgeIndex.get(focus.edge)!];
  const node = focus.node === null ? undefined : scene.layout.nodeIndex.get(focus.node);
  const shown = node === undefined ? 0 : scene.incident[node]!.filter((i) => scene.visible[i]).length;
  return (
    <aside className="graph-details" aria-label="Focused in the graph">
      <div aria-live="polite" data-testid="graph-details">
        {edge !== undefined ? (
          <EdgeDetails edge={edge} onOpen={onOpen} />
        ) : focus.node !== null ? (
          <>
            <h3 className="graph-details-title">
              <SafeText text={focus.node} />
            </h3>
            <p className="muted small">
              {shown} relationship{shown === 1 ? "" : "s"} shown · <Kbd>]</Kbd> or <Kbd>Enter</Kbd> to pick one
            </p>
          </>
        ) : (
          <p className="muted">No data products yet.</p>
        )}
      </div>
      <KeyLegend />
    </aside>
  );
}

function EdgeDetails({ edge, onOpen }: { edge: ReviewEdge; onOpen: (item: string) => void }) {
  const { relation } = edge;
  return (
    <>
      <h3 className="graph-details-title">
        <SafeText text={edge.source} /> → <SafeText text={edge.target} />
      </h3>
      <dl className="graph-facts">
        <dt>Item</dt>
        <dd className="mono">
          <SafeText text={edge.item} />
        </dd>
        <dt>Status</dt>
        <dd data-testid="graph-details-status">{STATUS_LABEL[statusChoiceOf(edge)]}</dd>
        <dt>Domain</dt>
        <dd>
          <SafeText text={edge.domain} />
        </dd>
        {edgeState(edge) !== "not_related" && (
          <>
            <dt>Relation</dt>
            <dd>
              <SafeText text={`${relation.type} ${relation.cardinality}`} />
            </dd>
          </>
        )}
        <dt>Fields</dt>
        <dd>
          {relation.mapping.length === 0
            ? "—"
            : relation.mapping.map((pair, i) => (
                <div key={i} className="mono">
                  <SafeText text={`${pair.source_field} → ${pair.target_field}`} />
                </div>
              ))}
        </dd>
      </dl>
      {edge.conflicts.length > 0 && (
        <ul className="graph-conflicts" data-testid="graph-details-conflicts">
          {edge.conflicts.map((c, i) => (
            <li key={i}>
              <SafeText text={c.message} />
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="button button-small" onClick={() => onOpen(edge.item)}>
        Open for review <Kbd>Enter</Kbd>
      </button>
    </>
  );
}

const KEYS: [string[], string][] = [
  [["←", "↑", "→", "↓"], "move between products (or h j k l)"],
  [["]", "["], "next / previous relationship of the product"],
  [["N", "⇧N"], "next / previous candidate anywhere"],
  [["C", "⇧C"], "next / previous conflict"],
  [["Enter"], "open the relationship for review"],
  [["Esc"], "back to the product, then out of the graph"],
  [["D"], "next domain"],
  [["B"], "approve in bulk, by rule…"],
  [[`1–${STATUS_CHOICES.length}`], "show or hide a status"],
  [["+", "−", "0"], "zoom in / out / 100 %"],
];

function KeyLegend() {
  return (
    <dl className="graph-keys">
      {KEYS.map(([keys, what]) => (
        <div key={what} className="graph-key">
          <dt>
            {keys.map((k) => (
              <Kbd key={k}>{k}</Kbd>
            ))}
          </dt>
          <dd>{what}</dd>
        </div>
      ))}
    </dl>
  );
}
