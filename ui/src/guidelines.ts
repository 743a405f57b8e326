// The current domain's guidelines as the UI holds them. Pure list updates, unit-tested.
import type { Guideline } from "./bindings/Guideline";

/** Adds or replaces `entry` (by id), keeping the list in id order. */
export function upsertGuideline(list: readonly Guideline[], entry: Guideline): Guideline[] {
  const others = list.filter((g) => g.id !== entry.id);
  return [...others, entry].sort((a, b) => a.id - b.id);
}

export function withoutGuideline(list: readonly Guideline[], id: number): Guideline[] {
  return list.filter((g) => g.id !== id);
}

/** Decision id → guideline id, for the history's "promoted" marks. */
export function promotedDecisions(list: readonly Guideline[]): Map<string, number> {
  return new Map(list.flatMap((g) => (g.source_decision === null ? [] : [[g.source_decision, g.id] as const])));
}
