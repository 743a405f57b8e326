import type { FormQuestion } from "../bindings/FormQuestion";
import type { ReviewForm } from "../bindings/ReviewForm";
import type { FormAnswers } from "../reviewForm";
import { Kbd } from "./Badges";
import { SafeText } from "./SafeText";

interface ReviewFormPanelProps {
  form: ReviewForm;
  answers: FormAnswers;
  onAnswer: (questionId: string, value: unknown) => void;
  onFocus: (index: number) => void;
}

/**
 * The domain's review form beside the item: the focused question takes digits, Tab moves on, and
 * the decision key sends the answers with the decision. Required questions a decision was refused
 * for are marked.
 */
export function ReviewFormPanel({ form, answers, onAnswer, onFocus }: ReviewFormPanelProps) {
  return (
    <section className="block review-form" data-testid="review-form" aria-label="Review form" data-version={form.version}>
      <h3 className="label">
        Review form <span className="label-count">v{form.version}</span>
        <span className="review-form-hint">
          digits answer the highlighted question, <Kbd>Tab</Kbd> moves on; your decision sends the answers
        </span>
      </h3>
      <ol className="review-form-questions">
        {form.questions.map((question, index) => {
          const missing = answers.missing.includes(question.id);
          const className = ["review-form-question", index === answers.focused && "focused", missing && "missing"].filter(Boolean).join(" ");
          return (
            <li key={question.id} className={className} data-testid="form-question" data-question={question.id} onClick={() => onFocus(index)}>
              <div className="review-form-label">
                <SafeText text={question.label} />
                {question.required && <span className={missing ? "required missing" : "required"}>{missing ? " required — answer it to decide" : " required"}</span>}
              </div>
              <QuestionInput question={question} value={answers.answers[question.id]} onAnswer={(value) => onAnswer(question.id, value)} />
            </li>
          );
        })}
      </ol>
    </section>
  );
}

interface QuestionInputProps {
  question: FormQuestion;
  value: unknown;
  onAnswer: (value: unknown) => void;
}

/** Leaves a typed answer's field on Enter or Esc, so the review keys work again. */
const leaveOnEnter = (event: React.KeyboardEvent<HTMLInputElement>) => {
  if (event.key === "Enter" || event.key === "Escape") event.currentTarget.blur();
};

function QuestionInput({ question, value, onAnswer }: QuestionInputProps) {
  const choice = (label: string, picked: boolean, digit: number, pick: () => void) => (
    <button key={label} type="button" className={picked ? "form-choice picked" : "form-choice"} aria-pressed={picked} onClick={pick} data-testid="form-choice">
      <span className="form-digit">{digit}</span> <SafeText text={label} />
    </button>
  );
  switch (question.type) {
    case "rating":
      return (
        <div className="form-choices">
          {Array.from({ length: question.scale }, (_, i) => choice(question.labels[i] ?? String(i + 1), value === i + 1, i + 1, () => onAnswer(i + 1)))}
        </div>
      );
    case "yes_no":
      return (
        <div className="form-choices">
          {choice("Yes", value === true, 1, () => onAnswer(true))}
          {choice("No", value === false, 2, () => onAnswer(false))}
        </div>
      );
    case "single_choice":
      return <div className="form-choices">{question.options.map((option, i) => choice(option, value === option, i + 1, () => onAnswer(option)))}</div>;
    case "multi_label": {
      const chosen = Array.isArray(value) ? (value as string[]) : [];
      const toggle = (option: string) => onAnswer(chosen.includes(option) ? chosen.filter((o) => o !== option) : [...chosen, option]);
      return <div className="form-choices">{question.options.map((option, i) => choice(option, chosen.includes(option), i + 1, () => toggle(option)))}</div>;
    }
    case "number":
    case "text": {
      const number = question.type === "number";
      return (
        <input
          type={number ? "number" : "text"}
          className="form-input"
          data-testid={number ? "form-number" : "form-text"}
          min={number ? (question.min ?? undefined) : undefined}
          max={number ? (question.max ?? undefined) : undefined}
          maxLength={number ? undefined : (question.max_chars ?? undefined)}
          value={typeof value === (number ? "number" : "string") ? String(value) : ""}
          onChange={(event) => onAnswer(event.target.value === "" ? undefined : number ? Number(event.target.value) : event.target.value)}
          onKeyDown={leaveOnEnter}
        />
      );
    }
  }
}
