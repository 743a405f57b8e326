import { memo } from "react";
import type { KeyCommand } from "../keyboard";
import { keyLabel, type Keymap, type KeymapAction } from "../keymap";
import { Kbd } from "./Badges";

interface DecisionBarProps {
  canDecide: boolean;
  canMove: boolean;
  /** Undo and redo work even when the queue is empty. */
  canUndo: boolean;
  /** 1-based place of the selected entry in the tab, when known. */
  position: number | null;
  total: number | null;
  keymap: Keymap;
  onCommand: (command: KeyCommand) => void;
}

export const DecisionBar = memo(function DecisionBar({ canDecide, canMove, canUndo, position, total, keymap, onCommand }: DecisionBarProps) {
  const button = (action: KeymapAction, label: string, enabled: boolean, className = "button") => (
    <button type="button" className={className} data-testid={`btn-${action === "previous" ? "prev" : action}`} disabled={!enabled} onClick={() => onCommand({ type: action })}>
      {label} {keymap[action][0] !== undefined && <Kbd>{keyLabel(keymap[action][0])}</Kbd>}
    </button>
  );
  return (
    <footer className="decision-bar" aria-label="Decide">
      {button("approve", "Approve", canDecide, "button button-approve")}
      {button("edit", "Edit", canDecide)}
      {button("reject", "Reject", canDecide, "button button-reject")}
      {button("needs-sme", "Needs SME", canDecide)}
      {button("skip", "Skip", canMove)}
      <span className="decision-bar-position">{position !== null && total !== null ? `${position} of ${total}` : ""}</span>
      {button("undo", "Undo", canUndo)}
      {button("redo", "Redo", canUndo)}
      {button("previous", "Previous", canMove)}
      {button("next", "Next", canMove)}
    </footer>
  );
});
