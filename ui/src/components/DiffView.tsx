import type { Decision } from "../bindings/Decision";
import type { ItemBody } from "../bindings/ItemBody";
import { diffStats, wordDiff } from "../diff";
import { textEdit } from "../edits";
import { SafeText } from "./SafeText";

/** A word-level diff of `before` → `after`: deletions struck through, insertions marked. */
export function DiffView({ before, after, testId }: { before: string; after: string; testId?: string }) {
  const parts = wordDiff(before, after);
  const stats = diffStats(parts);
  return (
    <div className="diff" data-testid={testId}>
      <p className="diff-stats">
        <span className="diff-stat-inserted">+{stats.inserted} words</span> <span className="diff-stat-deleted">−{stats.deleted} words</span>
      </p>
      <p className="diff-text">
        {parts.map((part, i) =>
          part.kind === "kept" ? (
            <span key={i}>
              <SafeText text={part.text} />
            </span>
          ) : part.kind === "inserted" ? (
            <ins key={i} className="diff-inserted">
              <SafeText text={part.text} />
            </ins>
          ) : (
            <del key={i} className="diff-deleted">
              <SafeText text={part.text} />
            </del>
          ),
        )}
      </p>
    </div>
  );
}

/** A decision's text edit as a diff against the model's text it corrects (`textEdit`); nothing for other decisions. */
export function EditDiff({ body, decision }: { body: ItemBody; decision: Decision }) {
  const change = textEdit(body, decision.edited);
  return change === null ? null : <DiffView before={change.before} after={change.after} />;
}
