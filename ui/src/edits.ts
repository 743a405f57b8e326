// What the editors start from and when a draft is worth recording.
import type { EditedContent } from "./bindings/EditedContent";
import type { Item } from "./bindings/Item";
import type { ItemBody } from "./bindings/ItemBody";
import type { Relation } from "./bindings/Relation";

/**
 * The reviewer edits the latest correction if there is one, else the model's output. A
 * comparison's edit starts from its candidate `candidate` (from 0): from the latest correction if
 * that started from the same candidate, else from the candidate's text.
 */
export function initialDraft(item: Item, candidate = 0): EditedContent {
  const body = item.body;
  if (body.kind === "answer") {
    const answer = item.latest_edit?.kind === "answer" ? item.latest_edit.answer : body.answer;
    return { kind: "answer", answer };
  }
  if (body.kind === "comparison") {
    const latest = item.latest_edit;
    const answer = latest?.kind === "comparison" && latest.based_on === candidate ? latest.answer : (body.candidates[candidate]?.answer ?? "");
    return { kind: "comparison", answer, based_on: candidate };
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
  if (draft.kind === "comparison" && initial.kind === "comparison") return draft.based_on === initial.based_on && draft.answer.trim() === initial.answer.trim();
  return false;
}

/** Why a draft cannot be saved, or null when it can. */
export function draftProblem(draft: EditedContent): string | null {
  if (draft.kind !== "relationship") return draft.answer.trim() === "" ? "The answer cannot be empty." : null;
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
  if (draft.kind === "relationship") return { kind: "relationship", relation: { ...draft.relation, type: draft.relation.type.trim() } };
  return { ...draft, answer: draft.answer.trim() };
}

/**
 * An answer's or a comparison's edit as a change of text: from the model's text it corrects (a
 * comparison's: the candidate it started from, as the core's `ItemBody::edited_from`) to the
 * edited text. Null for a relation, or content of another kind than `body`.
 */
export function textEdit(body: ItemBody, edited: EditedContent | null): { before: string; after: string } | null {
  if (body.kind === "answer" && edited?.kind === "answer") return { before: body.answer, after: edited.answer };
  if (body.kind === "comparison" && edited?.kind === "comparison") return { before: body.candidates[edited.based_on]?.answer ?? "", after: edited.answer };
  return null;
}
