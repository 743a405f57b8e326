// A comparison is approved by picking: 1–4 name the best candidate (as shown, from 1), the tie
// key says none is better than another; the plain approve key records nothing on one. The core
// refuses a comparison's approve without a pick, and a pick with anything else.
import type { Decision } from "./bindings/Decision";
import type { Item } from "./bindings/Item";
import type { ItemStatus } from "./bindings/ItemStatus";
import type { Pick as CandidatePick } from "./bindings/Pick";
import { decisionInForce } from "./history";

/** The most candidates a comparison has (the core's `CANDIDATES`): the digits that pick. */
export const MAX_CANDIDATES = 4;

/** How many candidates `item` offers; 0 when it is not a comparison. */
export function candidateCount(item: Item | null | undefined): number {
  return item?.body.kind === "comparison" ? item.body.candidates.length : 0;
}

const pickHint = (count: number) => `Pick the best candidate with 1–${count}, or = for a tie`;

/** The pick that approves `item` for `choice` (a candidate as shown, from 1, or a tie), or why nothing is recorded. */
export function pickOf(item: Item, choice: number | "tie"): { pick: CandidatePick } | { notice: string } {
  const count = candidateCount(item);
  if (count === 0) return { notice: "Only a comparison's candidates can be picked or tie." };
  if (choice === "tie") return { pick: "tie" };
  if (!Number.isInteger(choice) || choice < 1 || choice > count) return { notice: `There is no candidate ${choice}. ${pickHint(count)}.` };
  return { pick: { best: choice - 1 } };
}

/** A recorded pick in words, the candidate numbered as shown (from 1). */
export function pickText(pick: CandidatePick): string {
  return pick === "tie" ? "a tie" : `picked candidate ${pick.best + 1}`;
}

/**
 * The pick of the approve in force on an item with `status` and `history` (oldest first), or null:
 * pending (a review still awaiting its agreeing ones included), or decided otherwise.
 */
export function pickInForce(status: ItemStatus, history: Decision[]): CandidatePick | null {
  // Only an approve carries a pick (the core refuses one with anything else).
  return status === "approved" ? (decisionInForce(history)?.pick ?? null) : null;
}

/** Why the plain approve key records nothing on `item` (a comparison is approved by its pick), or null. */
export function approveRefusal(item: Item): string | null {
  const count = candidateCount(item);
  return count === 0 ? null : pickHint(count);
}
