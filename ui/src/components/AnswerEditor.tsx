import { useEffect, useRef } from "react";
import type { Sensitive } from "../bindings/Sensitive";
import { hasInvisibles, stripInvisibles } from "../invisibles";
import { redactText } from "../redaction";
import { DiffView } from "./DiffView";
import { EditorActions } from "./EditorActions";

export interface AnswerEditorProps {
  text: string;
  notice: string | null;
  onChange: (text: string) => void;
  onSave: () => void;
  onCancel: () => void;
}

/** The answer editor with a live word-level diff against the model's original answer (`against` names it). */
export function AnswerEditor({
  text,
  notice,
  onChange,
  onSave,
  onCancel,
  original,
  findings,
  against = "the model answer",
}: AnswerEditorProps & { original: string; findings: readonly Sensitive[]; against?: string }) {
  const redaction = redactText(text, findings);
  const textarea = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const element = textarea.current;
    if (element === null) return;
    element.focus();
    element.setSelectionRange(element.value.length, element.value.length);
  }, []);
  return (
    <section className="block editor">
      <h3 className="label label-edited">Your edit</h3>
      <textarea
        ref={textarea}
        className="answer-editor"
        data-testid="answer-editor"
        aria-label="Edited answer"
        value={text}
        rows={Math.min(14, Math.max(4, text.split("\n").length + 1))}
        onChange={(event) => onChange(event.target.value)}
      />
      {hasInvisibles(text) && (
        <p className="editor-warning" role="note" data-testid="hidden-characters-warning">
          This text contains hidden direction-control or zero-width characters: the editor cannot show them, and may show
          the text reordered. The diff below marks each one.{" "}
          <button type="button" className="link-button" data-testid="strip-hidden-characters" onClick={() => onChange(stripInvisibles(text))}>
            Remove them
          </button>
        </p>
      )}
      {redaction.replaced > 0 && (
        <p className="editor-warning" role="note" data-testid="draft-findings">
          Your edit still holds {redaction.replaced} piece(s) of personal data or secrets the privacy screen found.{" "}
          <button type="button" className="link-button" data-testid="redact-draft" onClick={() => onChange(redaction.text)}>
            Replace them with placeholders
          </button>
        </p>
      )}
      <h3 className="label">Live diff against {against}</h3>
      <DiffView before={original} after={text} testId="live-diff" />
      <EditorActions notice={notice} onSave={onSave} onCancel={onCancel} />
    </section>
  );
}
