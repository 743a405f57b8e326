import { useEffect, useRef } from "react";
import type { QueueFacets } from "../bindings/QueueFacets";
import { FORMATS, PII_MODES, hasSplit, isPreferenceFormat, isTrainingFormat, type ExportDraft } from "../exportChoices";
import { KIND_OPTIONS, itemKindOf } from "../itemKinds";
import { Kbd } from "./Badges";
import { FilterSelect } from "./FilterBar";
import { OptionSelect } from "./OptionSelect";
import { Dialog } from "./Dialog";

interface ExportDialogProps {
  draft: ExportDraft;
  facets: QueueFacets | null;
  onChange: (draft: ExportDraft) => void;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * Chooses what to export; the shell then asks where to save (a native dialog) and runs the export
 * in the background. Ctrl+Enter continues, Esc cancels (keyboard.ts).
 */
export function ExportDialog({ draft, facets, onChange, onConfirm, onCancel }: ExportDialogProps) {
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);
  const format = FORMATS.find((f) => f.value === draft.format);
  const training = isTrainingFormat(draft.format);
  return (
    <Dialog titleId="export-title" title="Export reviewed items" testId="export-dialog" className="dialog-wide" onDismiss={onCancel}>
      <p className="dialog-hint">Only decided items are exported; “do not train” items and items waiting for an SME are left out.</p>
      <label className="field">
        <span className="field-label">Format</span>
        <OptionSelect selectRef={first} testId="export-format" value={draft.format} options={FORMATS} onChange={(format) => onChange({ ...draft, format })} />
        <span className="field-hint">{format?.hint}</span>
      </label>
      {training && (
        <>
          <label className="field">
            <span className="field-label">Privacy screen</span>
            <OptionSelect testId="export-pii" value={draft.pii} options={PII_MODES} onChange={(pii) => onChange({ ...draft, pii })} />
          </label>
          {isPreferenceFormat(draft.format) && (
            <label className="field field-inline">
              <input type="checkbox" data-testid="export-include-ties" checked={draft.includeTies} onChange={(event) => onChange({ ...draft, includeTies: event.target.checked })} />
              <span>Include ties: a comparison judged a tie gives both orders of each pair of its candidates</span>
            </label>
          )}
          {hasSplit(draft.format) && (
            <label className="field">
              <span className="field-label">Validation split (% of prompts)</span>
              <input
                className="input"
                type="number"
                min={0}
                max={50}
                step={1}
                data-testid="export-val"
                value={draft.valPercent}
                onChange={(event) => onChange({ ...draft, valPercent: Number(event.target.value) })}
              />
            </label>
          )}
        </>
      )}
      <div className="export-filters" aria-label="Only export">
        <FilterSelect
          label="Kind"
          name="export-kind"
          value={draft.kind}
          options={KIND_OPTIONS}
          onChange={(value) => onChange({ ...draft, kind: itemKindOf(value) })}
        />
        <FilterSelect label="Domain" name="export-domain" value={draft.domain} options={choices(facets?.domains)} onChange={(domain) => onChange({ ...draft, domain })} />
        <FilterSelect label="Model" name="export-model" value={draft.model} options={choices(facets?.models)} onChange={(model) => onChange({ ...draft, model })} />
        <FilterSelect label="Tag" name="export-tag" value={draft.tag} options={choices(facets?.tags)} onChange={(tag) => onChange({ ...draft, tag })} />
      </div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel <Kbd>Esc</Kbd>
        </button>
        <button type="button" className="button button-primary" data-testid="export-confirm" onClick={onConfirm}>
          Choose file and export <Kbd>Ctrl+Enter</Kbd>
        </button>
      </div>
    </Dialog>
  );
}

const choices = (values: string[] | undefined) => (values ?? []).map((value) => ({ value, label: value }));
