// What the decision log says about itself: which entries a revert has cancelled.
import type { Decision } from "./bindings/Decision";

/**
 * Ids of entries cancelled by a revert that is itself in force: an undo cancels a decision, a
 * redo (a revert of that undo) cancels the undo and so revives the decision. `history` is oldest
 * first, as the core returns it.
 */
export function cancelledIds(history: Decision[]): Set<string> {
  const cancelled = new Set<string>();
  for (const event of history) {
    if (event.reverts === null) continue;
    cancelled.add(event.reverts);
    const revived = history.find((e) => e.id === event.reverts)?.reverts;
    if (revived != null) cancelled.delete(revived);
  }
  return cancelled;
}

/** The reviewers' decision in force: the latest entry that is neither a revert nor cancelled by one; null when none is. */
export function decisionInForce(history: Decision[]): Decision | null {
  const cancelled = cancelledIds(history);
  return history.findLast((event) => event.action !== "revert" && !cancelled.has(event.id)) ?? null;
}
