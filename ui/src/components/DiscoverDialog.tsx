// Discover relationships on a team server, by its owner: how many distinct reviewers each new
// candidate goes to (the overlap k, as `import --overlap`), then discovery runs as a job. Enter
// discovers, Esc cancels. Elsewhere Discover runs at once: a local database's overlap is
// configured, and the server refuses anyone else.
import { useEffect, useRef, useState } from "react";
import { MAX_REVIEWS, reviewsProblem } from "../llmRun";
import { Kbd } from "./Badges";
import { Dialog } from "./Dialog";

interface DiscoverDialogProps {
  /** Starts discovery, each new candidate for `reviews` reviewers; the dialog is closed by the caller. */
  onStart: (reviews: number) => void;
  onClose: () => void;
}

export function DiscoverDialog({ onStart, onClose }: DiscoverDialogProps) {
  const [reviews, setReviews] = useState(1);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, []);
  const problem = reviewsProblem(reviews);
  return (
    <Dialog titleId="discover-title" title="Discover relationships" testId="discover-dialog" onDismiss={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (problem === null) onStart(reviews);
        }}
        onKeyDown={(event) => {
          // The review keys must not act on the item under the dialog.
          event.stopPropagation();
          if (event.key === "Escape") onClose();
        }}
      >
        <p className="dialog-hint">
          Compares the team server's data products, field by field and value by value (no model), and queues each candidate no relationship item proposes yet.
        </p>
        <label className="field field-inline" title="As import --overlap: with 2 or more, each new candidate is reviewed blind by that many reviewers before it settles">
          <span className="field-label">Reviewers per new candidate</span>
          <input
            ref={field}
            className="input input-narrow"
            type="number"
            min={1}
            max={MAX_REVIEWS}
            step={1}
            data-testid="discover-reviews"
            value={reviews}
            onChange={(event) => setReviews(Number(event.target.value))}
          />
        </label>
        {problem !== null && (
          <p className="dialog-problem" role="alert" data-testid="discover-problem">
            {problem}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel <Kbd>Esc</Kbd>
          </button>
          <button type="submit" className="button button-primary" data-testid="discover-confirm" disabled={problem !== null}>
            Discover <Kbd>Enter</Kbd>
          </button>
        </div>
      </form>
    </Dialog>
  );
}
