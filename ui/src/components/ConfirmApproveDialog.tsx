import { useEffect, useRef } from "react";
import { Kbd } from "./Badges";
import { Dialog } from "./Dialog";

interface ConfirmApproveDialogProps {
  /** Claims marked unsupported or contradicted. */
  doubtful: number;
  approveKey: string | null;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Approving an answer although claims were marked doubtful: Enter (or the approve key) approves, Esc goes back. */
export function ConfirmApproveDialog({ doubtful, approveKey, busy, onConfirm, onCancel }: ConfirmApproveDialogProps) {
  const claims = doubtful === 1 ? "1 claim is" : `${doubtful} claims are`;
  // Enter presses the focused button: Approve, never a button behind the dialog.
  const approve = useRef<HTMLButtonElement>(null);
  useEffect(() => approve.current?.focus(), []);
  return (
    <Dialog titleId="confirm-approve-title" title="Approve this answer anyway?" testId="confirm-approve-dialog" onDismiss={onCancel}>
      <p className="dialog-hint">
        {claims} marked unsupported or contradicted. Approving sends the answer to training as correct; an edit or a reject may fit better.
      </p>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          Back <Kbd>Esc</Kbd>
        </button>
        <button ref={approve} type="button" className="button button-primary" data-testid="confirm-approve" disabled={busy} onClick={onConfirm}>
          Approve <Kbd>Enter</Kbd>
          {approveKey !== null && <Kbd>{approveKey}</Kbd>}
        </button>
      </div>
    </Dialog>
  );
}
