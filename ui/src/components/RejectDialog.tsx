import { useEffect, useRef } from "react";
import type { RejectReason } from "../bindings/RejectReason";
import { Kbd } from "./Badges";
import { SafeText } from "./SafeText";
import { Dialog } from "./Dialog";

interface RejectDialogProps {
  itemId: string;
  reasons: RejectReason[];
  /** Index of the chosen reason. */
  selected: number;
  note: string;
  busy: boolean;
  onPick: (index: number) => void;
  onNoteChange: (note: string) => void;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Keys (digits, arrows, Enter, Esc) are handled by the app's keyboard map; this is the view. */
export function RejectDialog({ itemId, reasons, selected, note, busy, onPick, onNoteChange, onConfirm, onCancel }: RejectDialogProps) {
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => list.current?.focus(), []);
  return (
    <Dialog
      titleId="reject-title"
      title={
        <>
          Reject{" "}
          <span className="mono">
            <SafeText text={itemId} />
          </span>
        </>
      }
      testId="reject-dialog"
      onDismiss={onCancel}
    >
      <p className="dialog-hint">
        Pick a reason with <Kbd>1</Kbd>–<Kbd>{String(reasons.length)}</Kbd> or the arrow keys.
      </p>
      <ol
        ref={list}
        className="reason-list"
        role="listbox"
        aria-label="Reject reason"
        aria-activedescendant={`reason-${selected}`}
        tabIndex={0}
      >
        {reasons.map((reason, i) => (
          <li
            key={reason.id}
            id={`reason-${i}`}
            role="option"
            aria-selected={i === selected}
            className="reason"
            onClick={() => onPick(i)}
          >
            <span className="reason-key">{i + 1}</span>
            {reason.label}
          </li>
        ))}
      </ol>
      <label className="field">
        <span className="field-label">Note (optional)</span>
        <textarea
          className="input reject-note"
          data-testid="reject-note"
          rows={3}
          value={note}
          placeholder="What is wrong, for whoever reads this later"
          onChange={(event) => onNoteChange(event.target.value)}
        />
      </label>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel <Kbd>Esc</Kbd>
        </button>
        <button type="button" className="button button-reject-solid" disabled={busy} onClick={onConfirm}>
          Reject <Kbd>Enter</Kbd>
        </button>
      </div>
    </Dialog>
  );
}
