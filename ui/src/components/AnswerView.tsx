import type { AnswerBody } from "../bindings/AnswerBody";
import type { Vetting } from "../bindings/Vetting";
import { AnswerEditor, type AnswerEditorProps } from "./AnswerEditor";
import { EvidencePassage } from "./EvidencePassage";
import { VettingPanel } from "./VettingPanel";

interface AnswerViewProps {
  body: AnswerBody;
  /** The answer as corrected by the latest edit decision, if that was the latest decision. */
  latestEdit: string | null;
  vetting: Vetting | null;
  editor: AnswerEditorProps | null;
}

export function AnswerView({ body, latestEdit, vetting, editor }: AnswerViewProps) {
  return (
    <div className="answer-layout">
      <div className="answer-main">
        <section className="block">
          <h3 className="label">Question</h3>
          <p className="question">{body.question}</p>
        </section>
        {latestEdit !== null && (
          <section className="block">
            <h3 className="label label-edited">Edited answer</h3>
            <p className="answer-text answer-edited">{latestEdit}</p>
          </section>
        )}
        <section className="block">
          <h3 className="label">{latestEdit === null ? "Model answer" : "Original model answer"}</h3>
          <p className={latestEdit === null ? "answer-text" : "answer-text answer-superseded"}>{body.answer}</p>
        </section>
        {editor !== null && <AnswerEditor {...editor} />}
        {vetting !== null && <VettingPanel vetting={vetting} />}
      </div>
      <aside className="evidence-column" aria-label="Evidence">
        <h3 className="label">
          Evidence <span className="label-count">{body.evidence.length}</span>
        </h3>
        {body.evidence.length === 0 ? (
          <p className="muted">The model was given no passages.</p>
        ) : (
          body.evidence.map((passage) => <EvidencePassage key={passage.id} passage={passage} />)
        )}
      </aside>
    </div>
  );
}
