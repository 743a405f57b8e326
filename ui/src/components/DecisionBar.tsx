import type { KeyCommand } from "../keyboard";
import { Kbd } from "./Badges";

interface DecisionBarProps {
  canDecide: boolean;
  canMove: boolean;
  /** 1-based place of the selected entry in the tab, when known. */
  position: number | null;
  total: number | null;
  onCommand: (command: KeyCommand) => void;
}

export function DecisionBar({ canDecide, canMove, position, total, onCommand }: DecisionBarProps) {
  return (
    <footer className="decision-bar" aria-label="Decide">
      <button type="button" className="button button-approve" data-testid="btn-approve" disabled={!canDecide} onClick={() => onCommand({ type: "approve" })}>
        Approve <Kbd>A</Kbd>
      </button>
      <button type="button" className="button" data-testid="btn-edit" disabled={!canDecide} onClick={() => onCommand({ type: "edit" })}>
        Edit <Kbd>E</Kbd>
      </button>
      <button type="button" className="button button-reject" data-testid="btn-reject" disabled={!canDecide} onClick={() => onCommand({ type: "reject" })}>
        Reject <Kbd>R</Kbd>
      </button>
      <span className="decision-bar-position">{position !== null && total !== null ? `${position} of ${total}` : ""}</span>
      <button type="button" className="button" data-testid="btn-prev" disabled={!canMove} onClick={() => onCommand({ type: "previous" })}>
        Previous <Kbd>K</Kbd>
      </button>
      <button type="button" className="button" data-testid="btn-next" disabled={!canMove} onClick={() => onCommand({ type: "next" })}>
        Next <Kbd>J</Kbd>
      </button>
    </footer>
  );
}
