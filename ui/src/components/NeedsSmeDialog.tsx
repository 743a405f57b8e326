import { useEffect, useRef } from "react";
import { Kbd } from "./Badges";
import { SafeText } from "./SafeText";
import { Dialog } from "./Dialog";

interface NeedsSmeDialogProps {
  itemId: string;
  question: string;
  busy: boolean;
  onChange: (question: string) => void;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Defers the item to the SME queue with a question. Ctrl+Enter sends, Esc cancels (keyboard.ts). */
export function NeedsSmeDialog({ itemId, question, busy, onChange, onConfirm, onCancel }: NeedsSmeDialogProps) {
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => field.current?.focus(), []);
  return (
    <Dialog
      titleId="sme-title"
      title={
        <>
          Ask an expert about{" "}
          <span className="mono">
            <SafeText text={itemId} />
          </span>
        </>
      }
      testId="sme-dialog"
      onDismiss={onCancel}
    >
      <p className="dialog-hint">The item moves to the Needs SME queue with your question.</p>
      <label className="field">
        <span className="field-label">Question for the SME</span>
        <textarea
          ref={field}
          className="input"
          data-testid="sme-question"
          rows={3}
          value={question}
          placeholder="What should the expert check?"
          onChange={(event) => onChange(event.target.value)}
        />
      </label>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel <Kbd>Esc</Kbd>
        </button>
        <button type="button" className="button button-primary" disabled={busy || question.trim() === ""} onClick={onConfirm}>
          Send to SME <Kbd>Ctrl+Enter</Kbd>
        </button>
      </div>
    </Dialog>
  );
}
