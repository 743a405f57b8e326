// Guidelines of the shown item's domain: read while reviewing, added or corrected in place,
// and linked to the item a promoted note came from. Text fields save with Ctrl+Enter and
// cancel with Esc; the review keys do not fire while typing (keyboard.ts).
import { memo, useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { Guideline } from "../bindings/Guideline";
import { Kbd } from "./Badges";
import { Markdown } from "./Markdown";
import { SafeText } from "./SafeText";

interface GuidelinesPanelProps {
  domain: string;
  guidelines: Guideline[];
  open: boolean;
  /** Bumped by the `g` key: open and put the cursor in the "new guideline" field. */
  focusRequest: number;
  onToggle: () => void;
  onAdd: (body: string) => Promise<boolean>;
  onUpdate: (id: number, body: string) => Promise<boolean>;
  onArchive: (id: number) => void;
  onOpenItem: (externalId: string) => void;
}

export const GuidelinesPanel = memo(function GuidelinesPanel(props: GuidelinesPanelProps) {
  const { domain, guidelines, open, focusRequest, onToggle, onAdd } = props;
  const [draft, setDraft] = useState("");
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (focusRequest > 0) field.current?.focus();
  }, [focusRequest]);

  const submit = () => {
    if (draft.trim() === "") return;
    void onAdd(draft).then((ok) => ok && setDraft(""));
  };

  return (
    <section className="guidelines" aria-label={`Guidelines for ${domain}`} data-testid="guidelines">
      <button type="button" className="guidelines-toggle" aria-expanded={open} onClick={onToggle} data-testid="guidelines-toggle">
        <span className="label">
          Guidelines · <SafeText text={domain} /> <span className="label-count">{guidelines.length}</span>
        </span>
        <Kbd>G</Kbd>
      </button>
      {open && (
        <div className="guidelines-body">
          {guidelines.length === 0 && <p className="muted">No guidelines for this domain yet. Add one below, or make one from a note in the history.</p>}
          <ol className="guidelines-list">
            {guidelines.map((g) => (
              <GuidelineEntry key={g.id} guideline={g} {...props} />
            ))}
          </ol>
          <label className="field">
            <span className="field-label">New guideline (markdown)</span>
            <textarea
              ref={field}
              className="input"
              rows={2}
              value={draft}
              placeholder="e.g. Revenue figures are net of refunds unless the source says gross."
              data-testid="guideline-new"
              onChange={(event) => setDraft(event.target.value)}
              onKeyDown={(event) => onTextKey(event, submit, () => setDraft(""))}
            />
          </label>
          <div className="guidelines-actions">
            <button type="button" className="button button-small" disabled={draft.trim() === ""} onClick={submit} data-testid="guideline-add">
              Add guideline <Kbd>Ctrl+Enter</Kbd>
            </button>
          </div>
        </div>
      )}
    </section>
  );
});

function GuidelineEntry({ guideline, onUpdate, onArchive, onOpenItem }: GuidelinesPanelProps & { guideline: Guideline }) {
  const [editing, setEditing] = useState<string | null>(null);
  const save = () => {
    if (editing === null || editing.trim() === "") return;
    void onUpdate(guideline.id, editing).then((ok) => ok && setEditing(null));
  };
  return (
    <li className="guideline" data-testid="guideline" data-guideline-id={guideline.id}>
      {editing === null ? (
        <Markdown text={guideline.body} className="guideline-body" />
      ) : (
        <textarea
          className="input"
          rows={3}
          autoFocus
          value={editing}
          aria-label="Edit guideline"
          onChange={(event) => setEditing(event.target.value)}
          onKeyDown={(event) => onTextKey(event, save, () => setEditing(null))}
        />
      )}
      <div className="guideline-meta">
        <span>
          <SafeText text={guideline.updated_by} />
        </span>
        {guideline.source_item !== null && (
          <button type="button" className="link-button" onClick={() => onOpenItem(guideline.source_item ?? "")} data-testid="guideline-source">
            from <SafeText text={guideline.source_item} />
          </button>
        )}
        {editing === null ? (
          <>
            <button type="button" className="link-button" onClick={() => setEditing(guideline.body)}>
              Edit
            </button>
            <button type="button" className="link-button" onClick={() => onArchive(guideline.id)}>
              Remove
            </button>
          </>
        ) : (
          <button type="button" className="link-button" onClick={save}>
            Save
          </button>
        )}
      </div>
    </li>
  );
}

/** Ctrl+Enter saves, Esc cancels; the event stops here so the review keys never see it. */
function onTextKey(event: KeyboardEvent<HTMLTextAreaElement>, save: () => void, cancel: () => void) {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    event.stopPropagation();
    save();
  } else if (event.key === "Escape") {
    event.preventDefault();
    event.stopPropagation();
    cancel();
    event.currentTarget.blur();
  }
}
