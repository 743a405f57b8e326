import { useEffect, useRef, useState } from "react";
import * as api from "../api";
import type { ProductSummary } from "../bindings/ProductSummary";
import type { ProvidersView } from "../bindings/ProvidersView";
import { KNOWLEDGE_CHOICES, MAX_REVIEWS, MAX_VET_LIMIT, keySourceLabel, newItemReviews, rolesFor, runProblem, type LlmRunDraft, type RunPlace } from "../llmRun";
import { Kbd } from "./Badges";
import { OptionSelect } from "./OptionSelect";
import { SafeText } from "./SafeText";
import { Dialog } from "./Dialog";

interface RunModelDialogProps {
  draft: LlmRunDraft;
  /** The queue a vet run takes its items from, in words (tab and filters as shown). */
  scope: string;
  onChange: (draft: LlmRunDraft) => void;
  onConfirm: () => void;
  onCancel: () => void;
  onOpenProviders: () => void;
  /** Where the run would go (on a team server only the vetting model runs, for SMEs and adjudicators). */
  place: RunPlace;
}

/**
 * Chooses a role, a provider and what to run it on; the run then goes to the background with
 * progress, cost so far and Cancel. Ctrl+Enter runs, Esc cancels (keyboard.ts).
 */
export function RunModelDialog({ draft, scope, onChange, onConfirm, onCancel, onOpenProviders, place }: RunModelDialogProps) {
  const [providers, setProviders] = useState<ProvidersView | null>(null);
  const [products, setProducts] = useState<ProductSummary[]>([]);
  const [loadProblem, setLoadProblem] = useState<string | null>(null);
  const first = useRef<HTMLSelectElement>(null);

  useEffect(() => {
    first.current?.focus();
    Promise.all([api.llmProviders(), api.dataProducts()]).then(
      ([view, registered]) => {
        setProviders(view);
        setProducts(registered);
      },
      (thrown: unknown) => setLoadProblem(api.toCallError(thrown).message),
    );
  }, []);

  // Preselect a provider so the common case is Ctrl+Shift+V, Ctrl+Enter.
  const names = providers?.providers.map((p) => p.name) ?? [];
  useEffect(() => {
    const known = providers?.providers ?? [];
    const fallback = known[0]?.name;
    if (fallback !== undefined && !known.some((p) => p.name === draft.provider)) onChange({ ...draft, provider: fallback });
    // Only when the providers arrive: later the reviewer's choice stands.
  }, [providers]);

  const roles = rolesFor(place);
  const role = roles.find((r) => r.value === draft.role);
  // A task the open database does not run is not offered: the first one that runs is chosen.
  useEffect(() => {
    if (role === undefined && roles[0] !== undefined) onChange({ ...draft, role: roles[0].value });
  }, [role === undefined]);
  const chosen = providers?.providers.find((p) => p.name === draft.provider);
  const problem = loadProblem ?? runProblem(draft, place);
  const productChoices = products.map((p) => (
    <option key={p.name} value={p.name}>
      {p.name} ({p.fields} fields, {p.row_count} rows)
    </option>
  ));
  return (
    <Dialog titleId="llm-run-title" title="Run a model" testId="llm-run-dialog" className="dialog-wide" onDismiss={onCancel}>
      <label className="field">
        <span className="field-label">Task</span>
        <OptionSelect selectRef={first} testId="llm-run-role" value={draft.role} options={roles} onChange={(role) => onChange({ ...draft, role })} />
        <span className="field-hint">{role?.hint}</span>
      </label>
      <label className="field">
        <span className="field-label">Provider</span>
        <select className="input" data-testid="llm-run-provider" value={draft.provider} onChange={(event) => onChange({ ...draft, provider: event.target.value })}>
          {names.length === 0 && <option value="">No providers yet</option>}
          {names.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <span className="field-hint">
          {chosen !== undefined ? (
            <>
              <span className="mono">
                <SafeText text={chosen.config.model} />
              </span>{" "}
              at{" "}
              <span className="mono">
                <SafeText text={chosen.config.base_url} />
              </span>{" "}
              · key {keySourceLabel(chosen.key)}
            </>
          ) : null}{" "}
          <button type="button" className="link-button" data-testid="llm-run-open-providers" onClick={onOpenProviders}>
            Manage providers…
          </button>
        </span>
      </label>
      {draft.role === "vet" && (
        <>
          <p className="dialog-hint" data-testid="llm-run-scope">
            From the queue as shown: {scope}
            {place.teamServer && " — on the team server, every such item you may read, not only the batch leased to you"}
          </p>
          <div className="export-filters">
            <LimitField label="Items (first in queue order)" draft={draft} onChange={onChange} />
            <label className="field field-inline">
              <input type="checkbox" data-testid="llm-run-revet" checked={draft.revet} onChange={(event) => onChange({ ...draft, revet: event.target.checked })} />
              <span>Vet again items this model already judged</span>
            </label>
            <KnowledgeField draft={draft} onChange={onChange} />
          </div>
        </>
      )}
      {draft.role === "generate" && (
        <div className="export-filters">
          <KnowledgeField draft={draft} onChange={onChange} />
        </div>
      )}
      {draft.role === "rank" && (
        <div className="export-filters">
          <label className="field">
            <span className="field-label">Domain of the candidates</span>
            <input className="input" data-testid="llm-run-domain" value={draft.domain} onChange={(event) => onChange({ ...draft, domain: event.target.value })} />
          </label>
          <LimitField label="Candidates (at most)" draft={draft} onChange={onChange} />
        </div>
      )}
      {draft.role === "align" && (
        <div className="export-filters">
          <label className="field">
            <span className="field-label">Domain</span>
            <input className="input" data-testid="llm-run-domain" value={draft.domain} onChange={(event) => onChange({ ...draft, domain: event.target.value })} />
          </label>
          <label className="field">
            <span className="field-label">Held-out share</span>
            <input
              className="input"
              type="number"
              min={0.05}
              max={0.95}
              step={0.05}
              data-testid="llm-run-holdout"
              value={draft.holdout}
              onChange={(event) => onChange({ ...draft, holdout: Number(event.target.value) })}
            />
          </label>
          <LimitField label="Held-out items per variant (at most)" draft={draft} onChange={onChange} />
          <fieldset className="variant-choices">
            <legend className="field-label">Prompt variants</legend>
            {KNOWLEDGE_CHOICES.map((choice) => (
              <label key={choice.value} className="field-inline">
                <input
                  type="checkbox"
                  data-testid={`llm-run-variant-${choice.value}`}
                  checked={draft.variants.includes(choice.value)}
                  onChange={(event) =>
                    onChange({
                      ...draft,
                      variants: KNOWLEDGE_CHOICES.map((c) => c.value).filter((v) => (v === choice.value ? event.target.checked : draft.variants.includes(v))),
                    })
                  }
                />
                <span>{choice.label}</span>
              </label>
            ))}
          </fieldset>
        </div>
      )}
      {draft.role === "relate" && (
        <div className="export-filters">
          {products.length < 2 && <p className="dialog-hint">Register at least two data products first (File ▸ Add data products…).</p>}
          <label className="field">
            <span className="field-label">Source product</span>
            <select className="input" data-testid="llm-run-source" value={draft.source} onChange={(event) => onChange({ ...draft, source: event.target.value })}>
              <option value="">Choose…</option>
              {productChoices}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Target product</span>
            <select className="input" data-testid="llm-run-target" value={draft.target} onChange={(event) => onChange({ ...draft, target: event.target.value })}>
              <option value="">Choose…</option>
              {productChoices}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Domain of the new items</span>
            <input className="input" data-testid="llm-run-domain" value={draft.domain} onChange={(event) => onChange({ ...draft, domain: event.target.value })} />
          </label>
          <KnowledgeField draft={draft} onChange={onChange} />
        </div>
      )}
      {newItemReviews(draft, place) !== null && (
        <CountField
          label="Reviewers per new item"
          title="As import --overlap: with 2 or more, each new item is reviewed blind by that many reviewers before it settles"
          narrow
          field="reviews"
          max={MAX_REVIEWS}
          draft={draft}
          onChange={onChange}
        />
      )}
      {problem !== null && (
        <p className="dialog-problem" role="alert" data-testid="llm-run-problem">
          <SafeText text={problem} />
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel <Kbd>Esc</Kbd>
        </button>
        <button type="button" className="button button-primary" data-testid="llm-run-confirm" disabled={problem !== null} onClick={onConfirm}>
          {draft.role === "generate" ? "Choose questions file and run" : "Run"} <Kbd>Ctrl+Enter</Kbd>
        </button>
      </div>
    </Dialog>
  );
}

/** What each prompt of a vet, generate or relate run carries besides its subject. */
function KnowledgeField({ draft, onChange }: { draft: LlmRunDraft; onChange: (draft: LlmRunDraft) => void }) {
  return (
    <label className="field">
      <span className="field-label">The prompt carries</span>
      <OptionSelect testId="llm-run-knowledge" value={draft.knowledge} options={KNOWLEDGE_CHOICES} onChange={(knowledge) => onChange({ ...draft, knowledge })} />
    </label>
  );
}

/** How many inputs a vet, rank or align run takes (checked by `runProblem`). */
function LimitField({ label, draft, onChange }: { label: string; draft: LlmRunDraft; onChange: (draft: LlmRunDraft) => void }) {
  return <CountField label={label} field="limit" max={MAX_VET_LIMIT} draft={draft} onChange={onChange} />;
}

interface CountFieldProps {
  label: string;
  /** The draft's whole number it edits, from 1 to `max` (checked by `runProblem`); `llm-run-${field}` is its test id. */
  field: "limit" | "reviews";
  max: number;
  /** A hint on hover. */
  title?: string;
  /** On one line with its label, a few digits wide. */
  narrow?: boolean;
  draft: LlmRunDraft;
  onChange: (draft: LlmRunDraft) => void;
}

function CountField({ label, field, max, title, narrow = false, draft, onChange }: CountFieldProps) {
  return (
    <label className={narrow ? "field field-inline" : "field"} title={title}>
      <span className="field-label">{label}</span>
      <input
        className={narrow ? "input input-narrow" : "input"}
        type="number"
        min={1}
        max={max}
        step={1}
        data-testid={`llm-run-${field}`}
        value={draft[field]}
        onChange={(event) => onChange({ ...draft, [field]: Number(event.target.value) })}
      />
    </label>
  );
}
