// What the editors start from and when a draft is worth recording.
import type { EditedContent } from "./bindings/EditedContent";
import type { Item } from "./bindings/Item";
import type { Relation } from "./bindings/Relation";

/** The reviewer edits the latest correction if there is one, else the model's output. */
export function initialDraft(item: Item): EditedContent {
  const body = item.body;
  if (body.kind === "answer") {
    const answer = item.latest_edit?.kind === "answer" ? item.latest_edit.answer : body.answer;
    return { kind: "answer", answer };
  }
  const relation = item.latest_edit?.kind === "relationship" ? item.latest_edit.relation : body.relation;
  return { kind: "relationship", relation: copyRelation(relation) };
}

function copyRelation(relation: Relation): Relation {
  return { ...relation, mapping: relation.mapping.map((pair) => ({ ...pair })) };
}

function sameRelation(a: Relation, b: Relation): boolean {
  return (
    a.type.trim() === b.type.trim() &&
    a.cardinality === b.cardinality &&
    a.mapping.length === b.mapping.length &&
    a.mapping.every((pair, i) => {
      const other = b.mapping[i];
      return other !== undefined && pair.source_field === other.source_field && pair.target_field === other.target_field;
    })
  );
}

export function isUnchanged(draft: EditedContent, initial: EditedContent): boolean {
  if (draft.kind === "answer" && initial.kind === "answer") return draft.answer.trim() === initial.answer.trim();
  if (draft.kind === "relationship" && initial.kind === "relationship") return sameRelation(draft.relation, initial.relation);
  return false;
}

/** Why a draft cannot be saved, or null when it can. */
export function draftProblem(draft: EditedContent): string | null {
  if (draft.kind === "answer") return draft.answer.trim() === "" ? "The answer cannot be empty." : null;
  const { relation } = draft;
  if (relation.type.trim() === "") return "Give the relation a type, e.g. foreign_key.";
  if (relation.mapping.length === 0) return "Map at least one source field to a target field.";
  if (relation.mapping.some((pair) => pair.source_field === "" || pair.target_field === "")) {
    return "Pick a source and a target field in every mapping row.";
  }
  return null;
}

/** The draft as it is sent: surrounding whitespace trimmed. */
export function finishedDraft(draft: EditedContent): EditedContent {
  if (draft.kind === "answer") return { kind: "answer", answer: draft.answer.trim() };
  return { kind: "relationship", relation: { ...draft.relation, type: draft.relation.type.trim() } };
}
