// Answering a domain's review form (rubric) in the review loop, keyboard first: the focused
// question takes digits (a rating's point, 1 yes / 2 no, the nth option, or toggles the nth
// label), Tab moves between questions, and the decision key sends the answers with the decision
// in one write. Pure: the hook holds the state, the core checks the answers again.
import type { FormQuestion } from "./bindings/FormQuestion";
import type { DecidingAction } from "./queue";

export type Answers = Readonly<Record<string, unknown>>;

/** The answers given so far on one item, and which question has the keyboard. */
export interface FormAnswers {
  itemId: string | null;
  focused: number;
  answers: Answers;
  /** Required questions a decision was refused for (shown as a hint), empty otherwise. */
  missing: readonly string[];
}

export const NO_ANSWERS: FormAnswers = { itemId: null, focused: 0, answers: {}, missing: [] };

/** The form state of `itemId`: what was answered on it, or a fresh start on another item. */
export function answersOf(state: FormAnswers, itemId: string): FormAnswers {
  return state.itemId === itemId ? state : { ...NO_ANSWERS, itemId };
}

/** The value digit `digit` (1–9) gives `question`, given its `current` value; undefined when the digit means nothing there. */
export function digitAnswer(question: FormQuestion, current: unknown, digit: number): unknown {
  switch (question.type) {
    case "rating":
      return digit >= 1 && digit <= question.scale ? digit : undefined;
    case "yes_no":
      return digit === 1 ? true : digit === 2 ? false : undefined;
    case "single_choice":
      return question.options[digit - 1];
    case "multi_label": {
      const option = question.options[digit - 1];
      if (option === undefined) return undefined;
      const chosen = Array.isArray(current) ? (current as string[]) : [];
      return chosen.includes(option) ? chosen.filter((o) => o !== option) : [...chosen, option];
    }
    case "number":
    case "text":
      return undefined;
  }
}

/** `state` with `value` as the answer to `questionId`; an empty value (no labels, blank text) clears it. */
export function answered(state: FormAnswers, questionId: string, value: unknown): FormAnswers {
  const answers = { ...state.answers };
  const empty = value === undefined || value === null || (Array.isArray(value) && value.length === 0) || (typeof value === "string" && value.trim() === "");
  if (empty) delete answers[questionId];
  else answers[questionId] = value;
  return { ...state, answers, missing: state.missing.filter((id) => id !== questionId) };
}

/** A digit pressed on the focused question: its answer, moving on after a single-valued one. */
export function digitPressed(state: FormAnswers, questions: readonly FormQuestion[], digit: number): FormAnswers {
  const question = questions[state.focused];
  if (question === undefined) return state;
  const value = digitAnswer(question, state.answers[question.id], digit);
  if (value === undefined) return state;
  const next = answered(state, question.id, value);
  // A rating, yes/no or choice is complete with one digit; labels stay for more toggles.
  const single = question.type !== "multi_label";
  return single && state.focused < questions.length - 1 ? { ...next, focused: state.focused + 1 } : next;
}

/** Tab / Shift+Tab: the focus moves to the next or previous question, wrapping around. */
export function focusMoved(state: FormAnswers, questions: readonly FormQuestion[], delta: 1 | -1): FormAnswers {
  if (questions.length === 0) return state;
  return { ...state, focused: (state.focused + delta + questions.length) % questions.length };
}

/** Whether `action` must answer the required questions (a needs-SME deferral need not). */
export const needsRequired = (action: DecidingAction): boolean => action !== "needs_sme";

/** Ids of the required questions `answers` leaves open. */
export function missingRequired(questions: readonly FormQuestion[], answers: Answers): string[] {
  return questions.filter((q) => q.required && !(q.id in answers)).map((q) => q.id);
}
