// The question of an answer or a comparison, with the privacy screen's findings in it marked.
import type { Sensitive } from "../bindings/Sensitive";
import { findingsIn } from "../redaction";
import { PrivacyMarked } from "./Markdown";

export function QuestionBlock({ question, sensitive }: { question: string; sensitive: readonly Sensitive[] }) {
  return (
    <section className="block">
      <h3 className="label">Question</h3>
      <p className="question">
        <PrivacyMarked text={question} sensitive={findingsIn(sensitive, "question")} />
      </p>
    </section>
  );
}
