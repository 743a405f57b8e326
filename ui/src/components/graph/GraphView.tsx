// The relationship graph: data products as nodes, relationship items as edges (accepted solid,
// candidates dashed, conflicts highlighted), with domain and status filters. Replaces the review
// workspace while shown; Enter on a relationship opens it in the review view. State lives in
// useGraphView (held by App), keys come through App's command table.
import { useEffect, useRef } from "react";
import { STATUS_CHOICES, STATUS_LABEL, edgeState, toggleStatus, type GraphFilter } from "../../graphFilter";
import type { GraphScene } from "../../graphNav";
import type { GraphView as GraphViewState } from "../../useGraphView";
import { useGraphPaintMarks } from "../../usePaintMark";
import { visibleText } from "../../invisibles";
import { Kbd } from "../Badges";
import { ErrorPanel } from "../ErrorPanel";
import { GraphCanvas } from "./GraphCanvas";
import { GraphDetails } from "./GraphDetails";

interface GraphViewProps {
  view: GraphViewState;
  /** The key that opens (and closes) the graph, for the hint. */
  toggleKey: string | null;
  onOpen: (item: string) => void;
  /** Opens approve-by-rule. */
  onRule: () => void;
  onClose: () => void;
}

export function GraphView({ view, toggleKey, onOpen, onRule, onClose }: GraphViewProps) {
  const { loaded, scene, error, loading, focus, filter } = view;
  useGraphPaintMarks(loaded, `${focus.node ?? ""}\u0000${focus.edge ?? ""}`);
  // The graph takes the focus when it opens, so its keys are its own: a button focused before
  // (the File menu's, after File → Relationship graph) would otherwise take Enter for itself.
  const main = useRef<HTMLElement>(null);
  useEffect(() => main.current?.focus({ preventScroll: true }), []);
  return (
    <main ref={main} tabIndex={-1} className="graph-view" data-testid="graph-view" aria-busy={loading} aria-labelledby="graph-title">
      <header className="graph-head">
        <h2 id="graph-title" className="graph-title">
          Relationships
        </h2>
        {scene !== null && <GraphCounts scene={scene} />}
        {loaded !== null && <GraphFilters filter={filter} domains={loaded.domains} onChange={view.setFilter} />}
        <div className="graph-zoom" role="group" aria-label="Zoom">
          <button type="button" className="button button-small" onClick={() => view.handle({ type: "zoom", step: -1 })} title="Zoom out (−)">
            −
          </button>
          <span className="muted small graph-zoom-level">{Math.round(view.zoom * 100)} %</span>
          <button type="button" className="button button-small" onClick={() => view.handle({ type: "zoom", step: 1 })} title="Zoom in (+)">
            +
          </button>
        </div>
        <button type="button" className="button button-small" data-testid="graph-rule" onClick={onRule} disabled={loaded === null}>
          Approve by rule… <Kbd>B</Kbd>
        </button>
        <button type="button" className="button button-small graph-back" data-testid="graph-back" onClick={onClose}>
          Back to review <Kbd>Esc</Kbd>
          {toggleKey !== null && <Kbd>{toggleKey}</Kbd>}
        </button>
      </header>
      {error !== null && loaded === null ? (
        <ErrorPanel title="The graph could not be loaded" error={error} onRetry={view.reload} />
      ) : scene === null ? (
        <div className="placeholder">Loading…</div>
      ) : scene.graph.nodes.length === 0 ? (
        <div className="placeholder">No data products or relationship items yet: add products (File) and import or propose relationships.</div>
      ) : (
        <div className="graph-body">
          <GraphCanvas scene={scene} focus={focus} zoom={view.zoom} onFocus={view.setFocus} onOpen={onOpen} />
          <GraphDetails scene={scene} focus={focus} onOpen={onOpen} />
        </div>
      )}
    </main>
  );
}

function GraphCounts({ scene }: { scene: GraphScene }) {
  const { graph, visible } = scene;
  const shown = visible.filter(Boolean).length;
  const conflicts = graph.edges.filter((e, i) => visible[i] && e.conflicts.length > 0).length;
  const candidates = graph.edges.filter((e, i) => visible[i] && edgeState(e) === "candidate").length;
  return (
    <span className="muted small" data-testid="graph-counts">
      {graph.nodes.length} products · {shown} of {graph.edges.length} relationships shown · {candidates} candidates
      {conflicts > 0 && <span className="graph-conflict-count"> · {conflicts} in conflict</span>}
    </span>
  );
}

function GraphFilters({ filter, domains, onChange }: { filter: GraphFilter; domains: readonly string[]; onChange: (filter: GraphFilter) => void }) {
  return (
    <div className="graph-filters">
      <label className="graph-domain">
        <span className="muted small">Domain</span>
        <select
          className="filter-select"
          data-testid="graph-domain"
          value={filter.domain ?? ""}
          onChange={(event) => onChange({ ...filter, domain: event.target.value === "" ? null : event.target.value })}
        >
          <option value="">All domains</option>
          {domains.map((d) => (
            <option key={d} value={d}>
              {visibleText(d)}
            </option>
          ))}
        </select>
      </label>
      <div className="graph-statuses" role="group" aria-label="Statuses shown">
        {STATUS_CHOICES.map((choice, i) => {
          const on = filter.statuses.has(choice);
          return (
            <button
              key={choice}
              type="button"
              className={on ? "button button-small button-toggle-on" : "button button-small"}
              aria-pressed={on}
              data-testid={`graph-status-${choice}`}
              title={`Show or hide: ${STATUS_LABEL[choice]} (${i + 1})`}
              onClick={() => onChange(toggleStatus(filter, choice))}
            >
              {STATUS_LABEL[choice]}
            </button>
          );
        })}
      </div>
    </div>
  );
}
