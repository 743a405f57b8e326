import type { Cardinality } from "../bindings/Cardinality";
import type { FieldPair } from "../bindings/FieldPair";
import type { Relation } from "../bindings/Relation";
import { EditorActions } from "./EditorActions";
import { visibleText } from "../invisibles";

const CARDINALITIES: Cardinality[] = ["1:1", "N:1", "1:N", "N:M"];

export interface RelationEditorProps {
  relation: Relation;
  sourceFields: string[];
  targetFields: string[];
  notice: string | null;
  onChange: (relation: Relation) => void;
  onSave: () => void;
  onCancel: () => void;
}

export function RelationEditor({ relation, sourceFields, targetFields, notice, onChange, onSave, onCancel }: RelationEditorProps) {
  const setPair = (index: number, change: Partial<FieldPair>) =>
    onChange({ ...relation, mapping: relation.mapping.map((pair, i) => (i === index ? { ...pair, ...change } : pair)) });
  const removePair = (index: number) => onChange({ ...relation, mapping: relation.mapping.filter((_, i) => i !== index) });
  const addPair = () => onChange({ ...relation, mapping: [...relation.mapping, { source_field: "", target_field: "" }] });

  return (
    <section className="block editor relation-editor" aria-label="Edit the relation">
      <h3 className="label label-edited">Your edit</h3>
      <div className="relation-editor-grid">
        <label className="field">
          <span className="field-label">Relation type</span>
          <input
            className="input mono"
            value={relation.type}
            autoFocus
            spellCheck={false}
            onChange={(event) => onChange({ ...relation, type: event.target.value })}
          />
        </label>
        <label className="field">
          <span className="field-label">Cardinality</span>
          <select
            className="input mono"
            value={relation.cardinality}
            onChange={(event) => onChange({ ...relation, cardinality: event.target.value as Cardinality })}
          >
            {CARDINALITIES.map((cardinality) => (
              <option key={cardinality} value={cardinality}>
                {cardinality}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="field-label">Mapping</div>
      <ul className="mapping-editor">
        {relation.mapping.map((pair, i) => (
          <li key={i} className="mapping-editor-row">
            <FieldSelect
              label={`Source field ${i + 1}`}
              value={pair.source_field}
              options={sourceFields}
              onChange={(source_field) => setPair(i, { source_field })}
            />
            <span className="mapping-arrow" aria-hidden="true">
              →
            </span>
            <FieldSelect
              label={`Target field ${i + 1}`}
              value={pair.target_field}
              options={targetFields}
              onChange={(target_field) => setPair(i, { target_field })}
            />
            <button type="button" className="icon-button" aria-label={`Remove pair ${i + 1}`} title="Remove pair" onClick={() => removePair(i)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="button button-small" onClick={addPair}>
        + Add pair
      </button>
      <EditorActions notice={notice} onSave={onSave} onCancel={onCancel} />
    </section>
  );
}

interface FieldSelectProps {
  label: string;
  value: string;
  options: string[];
  onChange: (value: string) => void;
}

function FieldSelect({ label, value, options, onChange }: FieldSelectProps) {
  // A mapped field the schema does not list (e.g. from an earlier edit) stays selectable.
  const choices = value === "" || options.includes(value) ? options : [value, ...options];
  return (
    <select className="input mono" aria-label={label} value={value} onChange={(event) => onChange(event.target.value)}>
      {value === "" && <option value="">Pick a field…</option>}
      {choices.map((name) => (
        <option key={name} value={name}>
          {visibleText(name)}
        </option>
      ))}
    </select>
  );
}
