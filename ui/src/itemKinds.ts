// The item kinds the queue's and the export's filters offer, named as the kind badges name them.
import type { ItemKind } from "./bindings/ItemKind";

const KIND_LABEL: Record<ItemKind, string> = { answer: "answer", relationship: "relationship", comparison: "comparison" };

export const itemKindLabel = (kind: ItemKind): string => KIND_LABEL[kind];

export const KIND_OPTIONS: { value: ItemKind; label: string }[] = (Object.keys(KIND_LABEL) as ItemKind[]).map((value) => ({ value, label: KIND_LABEL[value] }));

/** The kind a filter's value names; null for "any" (or a value no kind has). */
export function itemKindOf(value: string | null): ItemKind | null {
  return KIND_OPTIONS.find((option) => option.value === value)?.value ?? null;
}
