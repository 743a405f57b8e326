import { useEffect, useRef } from "react";
import type { ReviewerProfile } from "../bindings/ReviewerProfile";
import type { Role } from "../bindings/Role";
import { Kbd } from "./Badges";
import { OptionSelect } from "./OptionSelect";
import { Dialog } from "./Dialog";
import { ROLE_CHOICES } from "../teamRoles";

export interface ReviewerDraft {
  name: string;
  role: Role;
}

interface ReviewerDialogProps {
  draft: ReviewerDraft;
  profiles: ReviewerProfile[];
  /** First start: there is no one to go back to, so no Cancel. */
  firstStart: boolean;
  busy: boolean;
  onChange: (draft: ReviewerDraft) => void;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Who is reviewing: asked at first start, and on an explicit switch. Ctrl+Enter confirms. */
export function ReviewerDialog({ draft, profiles, firstStart, busy, onChange, onConfirm, onCancel }: ReviewerDialogProps) {
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.focus(), []);
  const pick = (name: string) => {
    const known = profiles.find((p) => p.name === name);
    onChange({ name, role: known?.role ?? draft.role });
  };
  return (
    <Dialog titleId="reviewer-title" title={firstStart ? "Who is reviewing?" : "Switch reviewer"} testId="reviewer-dialog" onDismiss={firstStart ? null : onCancel}>
      <p className="dialog-hint">Every decision records its reviewer. Switching is explicit; this database remembers the choice.</p>
      <label className="field">
        <span className="field-label">Name</span>
        <input
          ref={field}
          className="input"
          list="reviewer-names"
          data-testid="reviewer-name"
          value={draft.name}
          onChange={(event) => pick(event.target.value)}
          onKeyDown={(event) => event.key === "Enter" && !event.ctrlKey && draft.name.trim() !== "" && onConfirm()}
        />
        <datalist id="reviewer-names">
          {profiles.map((p) => (
            <option key={p.name} value={p.name} />
          ))}
        </datalist>
      </label>
      <label className="field">
        <span className="field-label">Role</span>
        <OptionSelect testId="reviewer-role" value={draft.role} options={ROLE_CHOICES} onChange={(role) => onChange({ ...draft, role })} />
      </label>
      <div className="dialog-actions">
        {!firstStart && (
          <button type="button" className="button" onClick={onCancel}>
            Cancel <Kbd>Esc</Kbd>
          </button>
        )}
        <button type="button" className="button button-primary" disabled={busy || draft.name.trim() === ""} onClick={onConfirm} data-testid="reviewer-confirm">
          Start reviewing <Kbd>Ctrl+Enter</Kbd>
        </button>
      </div>
    </Dialog>
  );
}
