import { useEffect, useRef } from "react";
import type { Candidate } from "../bindings/Candidate";
import { Kbd } from "./Badges";
import { Dialog } from "./Dialog";
import { SafeText } from "./SafeText";

interface CandidatePromptProps {
  candidates: readonly Candidate[];
  /** The candidate (from 0) the latest edit started from: choosing it continues that edit. */
  editBase: number | null;
  onChoose: (candidate: number) => void;
  onCancel: () => void;
}

/** Editing a comparison: which candidate the edit starts from. Keys (1–N, Esc) are keyboard.ts's. */
export function CandidatePrompt({ candidates, editBase, onChoose, onCancel }: CandidatePromptProps) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  const last = String(candidates.length);
  return (
    <Dialog titleId="candidate-prompt-title" title={`Edit which candidate? 1–${last}`} testId="candidate-prompt" onDismiss={onCancel}>
      <p className="dialog-hint">
        Press <Kbd>1</Kbd>–<Kbd>{last}</Kbd>: the editor opens with that candidate&apos;s text.
      </p>
      <ol className="reason-list" aria-label="Candidates">
        {candidates.map((candidate, index) => (
          <li key={index}>
            <button
              ref={index === 0 ? first : undefined}
              type="button"
              className="reason candidate-choice"
              data-testid="candidate-choice"
              data-candidate={index + 1}
              onClick={() => onChoose(index + 1)}
            >
              <span className="reason-key">{index + 1}</span>
              <span className="mono">
                <SafeText text={candidate.model} />
              </span>
              {index === editBase && <span className="muted">continues the latest edit</span>}
            </button>
          </li>
        ))}
      </ol>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel <Kbd>Esc</Kbd>
        </button>
      </div>
    </Dialog>
  );
}
