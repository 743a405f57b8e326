// Models ▸ Prompts: a domain's own prompt templates (the vetting prompt above all), edited here
// and kept by the core as append-only revisions. Every call records the version it used, and the
// vetting panel shows it beside each verdict. Esc closes; Ctrl+Enter saves.
import { useEffect, useRef, useState } from "react";
import * as api from "../api";
import type { PromptTemplate } from "../bindings/PromptTemplate";
import type { PromptView } from "../bindings/PromptView";
import { latestOnly } from "../latestOnly";
import { useDialogSave, type DialogSave } from "../useDialogSave";
import { Kbd } from "./Badges";
import { Dialog } from "./Dialog";
import { VersionedTextEditor } from "./VersionedTextEditor";
import { OptionSelect } from "./OptionSelect";
import { SafeText } from "./SafeText";

const TEMPLATES: { value: PromptTemplate; label: string }[] = [
  { value: "vet", label: "Vetting (vet)" },
  { value: "generate", label: "Answering (generate)" },
  { value: "relate", label: "Proposing relationships (relate)" },
  { value: "rank", label: "Ranking candidates (rank)" },
];

interface PromptsDialogProps {
  /** The domains of the queue, to choose from. */
  domains: string[];
  /** The app's save key (Ctrl+Enter) runs what this dialog puts here. */
  saveRef: DialogSave;
  onClose: () => void;
}

export function PromptsDialog({ domains, saveRef, onClose }: PromptsDialogProps) {
  // Empty until chosen: the first domain, once the list has arrived.
  const [chosen, setChosen] = useState("");
  const domain = chosen === "" ? (domains[0] ?? "") : chosen;
  const [template, setTemplate] = useState<PromptTemplate>("vet");
  const [view, setView] = useState<PromptView | null>(null);
  const [draft, setDraft] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  // A save and the reload after it: the editor and the buttons wait, so nothing typed is lost.
  const [saving, setSaving] = useState(false);
  const requests = useRef(latestOnly());
  const shown = useRef({ domain, template });
  shown.current = { domain, template };

  useEffect(() => {
    if (domain === "") return;
    const isLatest = requests.current.begin();
    api.promptTemplate(domain, template).then(
      (fresh) => {
        if (!isLatest()) return;
        setView(fresh);
        setDraft(fresh.text);
      },
      (thrown: unknown) => {
        if (isLatest()) setProblem(api.toCallError(thrown).message);
      },
    );
  }, [domain, template]);

  /** Another domain or template: the editor is empty and disabled, in the same render, until
   * its text arrives (nothing typed meanwhile can be overwritten). */
  const choose = (nextDomain: string, nextTemplate: PromptTemplate) => {
    setView(null);
    setDraft("");
    setSaved(null);
    setProblem(null);
    setChosen(nextDomain);
    setTemplate(nextTemplate);
  };

  /** Saves, then shows the text now in force — unless another domain or prompt is shown by then. */
  const save = (text: string | null) => {
    if (saving) return;
    const at = { domain, template };
    const stillShown = () => shown.current.domain === at.domain && shown.current.template === at.template;
    setProblem(null);
    setSaved(null);
    setSaving(true);
    api
      .savePromptTemplate(at.domain, at.template, text)
      .then(async (revision) => ({ revision, fresh: await api.promptTemplate(at.domain, at.template) }))
      .then(
        ({ revision, fresh }) => {
          if (!stillShown()) return;
          setView(fresh);
          setDraft(fresh.text);
          setSaved(revision.body === null ? `Back to the built-in prompt (${revision.version}).` : `Saved as ${revision.version}.`);
        },
        (thrown: unknown) => {
          if (stillShown()) setProblem(api.toCallError(thrown).message);
        },
      )
      .finally(() => setSaving(false));
  };

  const own = view !== null && view.version !== view.builtin_version;
  const changed = view !== null && draft !== view.text;
  useDialogSave(saveRef, () => {
    if (changed && !saving) save(draft);
  });
  return (
    <Dialog
      titleId="prompts-title"
      title="Prompts per domain"
      testId="prompts-dialog"
      className="dialog-wide"
      onDismiss={onClose}
    >
      {domains.length === 0 ? (
        <p className="dialog-hint">Import items first: prompts are set per domain of the queue.</p>
      ) : (
        <>
          <div className="export-filters">
            <label className="field">
              <span className="field-label">Domain</span>
              <select className="input" data-testid="prompts-domain" value={domain} onChange={(event) => choose(event.target.value, template)}>
                {domains.map((d) => (
                  <option key={d} value={d}>
                    {d}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Prompt</span>
              <OptionSelect testId="prompts-template" value={template} options={TEMPLATES} onChange={(next) => choose(domain, next)} />
            </label>
          </div>
          <p className="dialog-hint" data-testid="prompts-version">
            {view === null ? (
              "Loading…"
            ) : (
              <>
                In force: <span className="mono">{view.version}</span> ({own ? "this domain's own" : "built in"}).{" "}
                <span className="mono">{"{{domain}}"}</span> is replaced by the domain&apos;s name. Every call records the version it used.
              </>
            )}
          </p>
          <VersionedTextEditor
            testId="prompts"
            label="The prompt template"
            rows={14}
            value={draft}
            disabled={view === null || saving}
            onChange={setDraft}
            problem={problem}
            saved={saved}
          />
          {view !== null && view.revisions.length > 0 && (
            <details className="prompts-history">
              <summary>
                {view.revisions.length} revision{view.revisions.length === 1 ? "" : "s"}
              </summary>
              <ul>
                {view.revisions.map((r) => (
                  <li key={r.id} data-testid="prompts-revision">
                    <span className="mono">{r.version}</span> · <SafeText text={r.author} /> · {r.created_at.slice(0, 16).replace("T", " ")}
                    {r.body === null ? (
                      " · back to built-in"
                    ) : (
                      <button type="button" className="link-button" onClick={() => setDraft(r.body ?? "")}>
                        Load into the editor
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          Close <Kbd>Esc</Kbd>
        </button>
        <button type="button" className="button" data-testid="prompts-reset" disabled={!own || saving} onClick={() => save(null)}>
          Back to built-in
        </button>
        <button type="button" className="button button-primary" data-testid="prompts-save" disabled={!changed || saving} onClick={() => save(draft)}>
          Save as a new version <Kbd>Ctrl+Enter</Kbd>
        </button>
      </div>
    </Dialog>
  );
}
