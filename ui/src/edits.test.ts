import { describe, expect, it } from "vitest";
import type { Item } from "./bindings/Item";
import type { Relation } from "./bindings/Relation";
import { draftProblem, finishedDraft, initialDraft, isUnchanged, textEdit } from "./edits";

const relation: Relation = { type: "foreign_key", cardinality: "N:1", mapping: [{ source_field: "CustomerId", target_field: "CustomerId" }] };

function item(body: Item["body"], latestEdit: Item["latest_edit"] = null): Item {
  return {
    external_id: "x",
    domain: "d",
    model: "m",
    status: latestEdit === null ? "pending" : "edited",
    version: 1,
    body,
    vetting: null,
    assessment: null,
    metadata: {},
    latest_edit: latestEdit,
    tags: [],
    do_not_train: false,
    sensitive: [],
    claims: [],
    created_at: "",
    updated_at: "",
  };
}

const answerItem = (latestEdit: Item["latest_edit"] = null) =>
  item({ kind: "answer", question: "Q?", answer: "original", evidence: [] }, latestEdit);
const relationshipItem = () =>
  item({
    kind: "relationship",
    source: { product: "Invoice", fields: [], sample_rows: [] },
    target: { product: "Customer", fields: [], sample_rows: [] },
    relation,
    rationale: "",
    confidence: null,
  });

describe("initialDraft", () => {
  it("starts from the model's answer, or from the latest edit when there is one", () => {
    expect(initialDraft(answerItem()), "no edit yet").toEqual({ kind: "answer", answer: "original" });
    expect(initialDraft(answerItem({ kind: "answer", answer: "fixed" })), "previously edited").toEqual({ kind: "answer", answer: "fixed" });
  });

  it("copies the relation so editing cannot change the item", () => {
    const draft = initialDraft(relationshipItem());
    expect(draft, "same content").toEqual({ kind: "relationship", relation });
    if (draft.kind !== "relationship") throw new Error("expected a relationship draft");
    expect(draft.relation.mapping, "a copy, not the item's array").not.toBe(relation.mapping);
  });
});

const comparisonItem = (latestEdit: Item["latest_edit"] = null) =>
  item(
    {
      kind: "comparison",
      question: "Q?",
      candidates: [
        { model: "m1", answer: "first" },
        { model: "m2", answer: "second" },
      ],
      evidence: [],
    },
    latestEdit,
  );

describe("a comparison's edit", () => {
  it("starts from the chosen candidate, and names it", () => {
    expect(initialDraft(comparisonItem(), 1), "candidate 2").toEqual({ kind: "comparison", answer: "second", based_on: 1 });
  });

  it("continues the latest edit when it started from the same candidate", () => {
    const edited = comparisonItem({ kind: "comparison", answer: "second, fixed", based_on: 1 });
    expect(initialDraft(edited, 1), "the same candidate").toEqual({ kind: "comparison", answer: "second, fixed", based_on: 1 });
    expect(initialDraft(edited, 0), "another candidate starts afresh").toEqual({ kind: "comparison", answer: "first", based_on: 0 });
  });

  it("is unchanged only with the same text from the same candidate, and is sent trimmed", () => {
    expect(isUnchanged({ kind: "comparison", answer: "first ", based_on: 0 }, { kind: "comparison", answer: "first", based_on: 0 }), "padding").toBe(true);
    expect(isUnchanged({ kind: "comparison", answer: "first", based_on: 1 }, { kind: "comparison", answer: "first", based_on: 0 }), "another base").toBe(false);
    expect(finishedDraft({ kind: "comparison", answer: " new\n", based_on: 1 }), "trimmed, base kept").toEqual({ kind: "comparison", answer: "new", based_on: 1 });
    expect(draftProblem({ kind: "comparison", answer: "  ", based_on: 0 }), "empty").toBe("The answer cannot be empty.");
  });

  it("is diffed against its candidate, as an answer's edit against the answer", () => {
    expect(textEdit(comparisonItem().body, { kind: "comparison", answer: "new", based_on: 1 }), "candidate 2").toEqual({ before: "second", after: "new" });
    expect(textEdit(answerItem().body, { kind: "answer", answer: "new" }), "an answer").toEqual({ before: "original", after: "new" });
    expect(textEdit(relationshipItem().body, { kind: "relationship", relation }), "a relation has no text diff").toBeNull();
    expect(textEdit(answerItem().body, null), "no edit").toBeNull();
  });
});

describe("isUnchanged", () => {
  it("treats whitespace-only changes to an answer as unchanged", () => {
    expect(isUnchanged({ kind: "answer", answer: " original\n" }, { kind: "answer", answer: "original" }), "padding").toBe(true);
    expect(isUnchanged({ kind: "answer", answer: "new" }, { kind: "answer", answer: "original" }), "new text").toBe(false);
  });

  it("compares type, cardinality and every mapping pair of a relation", () => {
    const same = { kind: "relationship", relation } as const;
    expect(isUnchanged(same, same), "identical").toBe(true);
    expect(isUnchanged({ kind: "relationship", relation: { ...relation, cardinality: "1:1" } }, same), "cardinality").toBe(false);
    expect(
      isUnchanged({ kind: "relationship", relation: { ...relation, mapping: [...relation.mapping, { source_field: "a", target_field: "b" }] } }, same),
      "an added pair",
    ).toBe(false);
  });
});

describe("draftProblem", () => {
  it("refuses an empty answer and incomplete relations", () => {
    expect(draftProblem({ kind: "answer", answer: "  " }), "blank answer").not.toBeNull();
    expect(draftProblem({ kind: "relationship", relation: { ...relation, type: " " } }), "no type").not.toBeNull();
    expect(draftProblem({ kind: "relationship", relation: { ...relation, mapping: [] } }), "no pairs").not.toBeNull();
    expect(
      draftProblem({ kind: "relationship", relation: { ...relation, mapping: [{ source_field: "a", target_field: "" }] } }),
      "half a pair",
    ).not.toBeNull();
    expect(draftProblem({ kind: "relationship", relation }), "a complete relation").toBeNull();
  });
});

describe("finishedDraft", () => {
  it("trims the answer and the relation type", () => {
    expect(finishedDraft({ kind: "answer", answer: " x \n" }), "answer").toEqual({ kind: "answer", answer: "x" });
    expect(finishedDraft({ kind: "relationship", relation: { ...relation, type: " fk " } }), "type").toEqual({
      kind: "relationship",
      relation: { ...relation, type: "fk" },
    });
  });
});
