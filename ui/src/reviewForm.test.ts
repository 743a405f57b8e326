import { describe, expect, it } from "vitest";
import type { FormQuestion } from "./bindings/FormQuestion";
import { answered, answersOf, digitAnswer, digitPressed, focusMoved, missingRequired, NO_ANSWERS } from "./reviewForm";

const correctness: FormQuestion = { id: "correctness", label: "How correct?", required: true, type: "rating", scale: 5, labels: [] };
const cites: FormQuestion = { id: "cites", label: "Cites sources?", required: false, type: "yes_no" };
const issues: FormQuestion = { id: "issues", label: "Issues", required: false, type: "multi_label", options: ["hallucination", "outdated"] };
const minutes: FormQuestion = { id: "minutes", label: "Minutes to check", required: true, type: "number", min: 0, max: null };
const form = [correctness, cites, issues, minutes];

describe("digits answer the focused question", () => {
  it("reads a digit by question type and ignores digits that mean nothing there", () => {
    expect(digitAnswer(correctness, undefined, 4)).toBe(4);
    expect(digitAnswer(correctness, undefined, 6), "off a 5-point scale").toBeUndefined();
    expect(digitAnswer(cites, undefined, 2)).toBe(false);
    expect(digitAnswer(issues, ["outdated"], 1)).toEqual(["outdated", "hallucination"]);
    expect(digitAnswer(issues, ["outdated"], 2), "a second press takes a label back").toEqual([]);
    expect(digitAnswer(minutes, undefined, 3), "numbers are typed, not picked").toBeUndefined();
  });

  it("moves on after a single-valued answer and stays on labels", () => {
    const start = answersOf(NO_ANSWERS, "a-1");
    const rated = digitPressed(start, form, 4);
    expect(rated.answers).toEqual({ correctness: 4 });
    expect(rated.focused, "on to the next question").toBe(1);
    const labelled = digitPressed({ ...rated, focused: 2 }, form, 1);
    expect(labelled.focused, "labels take more than one digit").toBe(2);
    const cleared = digitPressed(labelled, form, 1);
    expect(cleared.answers, "no label left: no answer").toEqual({ correctness: 4 });
  });
});

describe("the form's state", () => {
  it("is per item: another item starts empty", () => {
    const onA = answered(answersOf(NO_ANSWERS, "a-1"), "correctness", 5);
    expect(answersOf(onA, "a-1").answers).toEqual({ correctness: 5 });
    expect(answersOf(onA, "a-2").answers).toEqual({});
  });

  it("Tab wraps around the questions", () => {
    expect(focusMoved({ ...NO_ANSWERS, focused: 3 }, form, 1).focused).toBe(0);
    expect(focusMoved(NO_ANSWERS, form, -1).focused).toBe(3);
  });

  it("names the required questions left open, and answering one clears its hint", () => {
    expect(missingRequired(form, { correctness: 2 })).toEqual(["minutes"]);
    const blocked = { ...NO_ANSWERS, itemId: "a-1", missing: ["correctness", "minutes"] };
    expect(answered(blocked, "minutes", 12).missing).toEqual(["correctness"]);
    expect(answered(blocked, "minutes", " ").answers, "a blank answer is none").toEqual({});
  });
});
