// Review forms on the dashboard: per domain and question, how often each answer was given (a bar
// chart) and how far reviewers agree (Krippendorff's α, ordinal for ratings, nominal for yes/no and
// choices) — see src/review_form/stats.rs.
import { useMemo } from "react";
import type { FormStats } from "../../bindings/FormStats";
import type { QuestionStats } from "../../bindings/QuestionStats";
import { visibleText } from "../../invisibles";
import { ChartCanvas } from "./ChartCanvas";
import { ChartCard } from "./ChartCard";
import { countBars } from "./chartConfigs";
import { COLOR, heightFor } from "./theme";

export function FormSection({ forms }: { forms: readonly FormStats[] }) {
  return (
    <>
      {forms.flatMap((form) =>
        form.questions.map((question) => <QuestionCard key={`${form.domain}/${question.id}`} form={form} question={question} />),
      )}
    </>
  );
}

/** What the agreement line says: α with its level and how many items it is over. */
export function agreementNote(question: QuestionStats): string {
  const a = question.agreement;
  if (a === null) return "no agreement figure for this kind of question";
  if (a.items === 0) return `α (${a.level}): no item answered by two reviewers yet`;
  if (a.labels.length > 0) {
    const each = a.labels.map((l) => `${l.label} ${l.alpha === null ? "undefined (always the same)" : l.alpha.toFixed(3)}`).join(", ");
    return `α (${a.level}) ${each} over ${items(a.items)} answered by two or more reviewers`;
  }
  return a.alpha === null
    ? `α (${a.level}) undefined over ${items(a.items)}: every answer was the same`
    : `α (${a.level}) ${a.alpha.toFixed(3)} over ${items(a.items)} answered by two or more reviewers`;
}

const items = (n: number) => (n === 1 ? "1 item" : `${n} items`);

function QuestionCard({ form, question }: { form: FormStats; question: QuestionStats }) {
  const rows = useMemo(() => question.counts.map((c) => ({ label: visibleText(c.value), count: c.count })), [question]);
  const config = useMemo(() => countBars(rows, { name: "Answers", color: COLOR.accent, horizontal: true, titleOf: (i) => rows[i]?.label ?? "" }), [rows]);
  const mean = question.mean === null ? "" : `, mean ${question.mean.toFixed(2)}`;
  return (
    <ChartCard
      title={`${form.domain} · ${visibleText(question.label)}`}
      note={`Review form v${form.version}: ${items(question.answered)} answered${mean}; ${agreementNote(question)}`}
      testId="chart-form-question"
      empty={rows.length === 0 ? `${question.answered} answers (numbers and texts are not charted).` : question.answered === 0 ? "Not answered yet." : null}
    >
      <ChartCanvas config={config} height={heightFor(rows.length)} label={`Answers to ${question.label}`} />
    </ChartCard>
  );
}
