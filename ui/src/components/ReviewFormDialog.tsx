// Models ▸ Review form per domain: a domain's rubric written as TOML (docs/forms.md), saved by the core as a
// new version; a bad text is refused naming its line and field, and nothing is saved. Esc
// closes; Ctrl+Enter saves.
import { useEffect, useRef, useState } from "react";
import * as api from "../api";
import type { ReviewFormDraft } from "../bindings/ReviewFormDraft";
import { latestOnly } from "../latestOnly";
import { useDialogSave, type DialogSave } from "../useDialogSave";
import { Kbd } from "./Badges";
import { Dialog } from "./Dialog";
import { VersionedTextEditor } from "./VersionedTextEditor";
import { SafeText } from "./SafeText";

interface ReviewFormDialogProps {
  /** The domains of the queue, to choose from. */
  domains: string[];
  /** The domain shown first: the current item's. */
  initialDomain: string | null;
  /** A form was saved or removed: the review loop asks the new one. */
  onChanged: () => void;
  /** The app's save key (Ctrl+Enter) runs what this dialog puts here. */
  saveRef: DialogSave;
  onClose: () => void;
}

export function ReviewFormDialog({ domains, initialDomain, onChanged, saveRef, onClose }: ReviewFormDialogProps) {
  const [domain, setDomain] = useState(initialDomain ?? domains[0] ?? "");
  const [draft, setDraft] = useState<ReviewFormDraft | null>(null);
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const requests = useRef(latestOnly());
  const shownDomain = useRef(domain);
  shownDomain.current = domain;

  const load = (of: string) => {
    const isLatest = requests.current.begin();
    setDraft(null);
    api.reviewFormDraft(of).then(
      (fresh) => {
        if (!isLatest()) return;
        setDraft(fresh);
        setText(fresh.text);
      },
      (thrown: unknown) => {
        if (isLatest()) setProblem(api.toCallError(thrown).message);
      },
    );
  };
  useEffect(() => {
    if (domain !== "") load(domain);
  }, [domain]);

  const save = (next: string | null) => {
    if (saving || draft === null) return;
    const at = domain;
    setProblem(null);
    setSaved(null);
    setSaving(true);
    api
      .saveReviewForm(at, next)
      .then(
        (form) => {
          onChanged();
          // Another domain chosen meanwhile keeps its own text.
          if (shownDomain.current !== at) return;
          setSaved(form.questions.length === 0 ? `No form is asked in ${at} from now on.` : `Version ${form.version} is in force in ${at}.`);
          load(at);
        },
        (thrown: unknown) => {
          if (shownDomain.current === at) setProblem(api.toCallError(thrown).message);
        },
      )
      .finally(() => setSaving(false));
  };

  const changed = draft !== null && (draft.in_force === null || text !== draft.text);
  useDialogSave(saveRef, () => {
    if (changed && !saving) save(text);
  });
  return (
    <Dialog
      titleId="review-form-title"
      title="Review form per domain"
      testId="review-form-dialog"
      className="dialog-wide"
      onDismiss={onClose}
    >
      {domains.length === 0 ? (
        <p className="dialog-hint">Import items first: a form belongs to a domain of the queue.</p>
      ) : (
        <>
          <label className="field">
            <span className="field-label">Domain</span>
            <select
              className="input"
              data-testid="review-form-domain"
              value={domain}
              disabled={saving}
              onChange={(event) => {
                setSaved(null);
                setProblem(null);
                setDomain(event.target.value);
              }}
            >
              {domains.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </label>
          <p className="dialog-hint" data-testid="review-form-in-force">
            {draft === null
              ? "Loading…"
              : draft.in_force === null
                ? "No form is asked in this domain. Start from the example below and save it."
                : `Version ${draft.in_force.version} is asked with every decision (${draft.in_force.questions.length} questions). Saving adds a version; answers keep the version they were given under.`}
          </p>
          <VersionedTextEditor
            testId="review-form"
            label="The form as TOML"
            rows={16}
            value={text}
            disabled={draft === null || saving}
            onChange={setText}
            problem={problem}
            saved={saved}
          />
          {draft !== null && draft.versions.length > 0 && (
            <p className="dialog-hint">
              {draft.versions.length} version{draft.versions.length === 1 ? "" : "s"}, the latest by <SafeText text={draft.versions[0]?.author ?? ""} /> on{" "}
              {draft.versions[0]?.created_at.slice(0, 16).replace("T", " ")}.
            </p>
          )}
        </>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          Close <Kbd>Esc</Kbd>
        </button>
        <button type="button" className="button" data-testid="review-form-remove" disabled={draft?.in_force == null || saving} onClick={() => save(null)}>
          Stop asking
        </button>
        <button type="button" className="button button-primary" data-testid="review-form-save" disabled={!changed || saving} onClick={() => save(text)}>
          Save as a new version <Kbd>Ctrl+Enter</Kbd>
        </button>
      </div>
    </Dialog>
  );
}
