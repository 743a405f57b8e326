import { memo, useMemo, useState } from "react";
import type { AnswerBody } from "../bindings/AnswerBody";
import type { Sensitive } from "../bindings/Sensitive";
import type { Vetting } from "../bindings/Vetting";
import { citedPassage, groundSentences } from "../grounding";
import { findingsIn, passageFindings } from "../redaction";
import { AnswerEditor, type AnswerEditorProps } from "./AnswerEditor";
import { DiffView } from "./DiffView";
import { EvidencePassage } from "./EvidencePassage";
import { GroundingHints } from "./GroundingHints";
import { Markdown, PrivacyMarked } from "./Markdown";
import { PrivacyFindings } from "./PrivacyFindings";
import { VettingPanel } from "./VettingPanel";

interface AnswerViewProps {
  body: AnswerBody;
  /** The answer as corrected by the effective edit decision, if that decision is an edit. */
  latestEdit: string | null;
  vetting: Vetting | null;
  editor: AnswerEditorProps | null;
  /** The privacy screen's findings in the item (`Item.sensitive`). */
  sensitive: readonly Sensitive[];
  redactKey: string | null;
  /** Redacts the shown answer's findings into the edit. */
  onRedact: () => void;
}

const NO_WORDS: ReadonlySet<string> = new Set();

export const AnswerView = memo(function AnswerView({ body, latestEdit, vetting, editor, sensitive, redactKey, onRedact }: AnswerViewProps) {
  const [citedId, setCitedId] = useState<string | null>(null);
  const [activeSentence, setActiveSentence] = useState<number | null>(null);
  const shown = latestEdit ?? body.answer;
  const groundings = useMemo(() => groundSentences(shown, body.evidence), [shown, body.evidence]);
  const active = activeSentence === null ? undefined : groundings[activeSentence];
  const highlightFor = (passageId: string): ReadonlySet<string> =>
    new Set(active?.support.find((s) => s.passageId === passageId)?.shared ?? NO_WORDS);
  const cite = (ref: string) => setCitedId(citedPassage(ref, body.evidence)?.id ?? null);
  const inAnswer = findingsIn(sensitive, latestEdit === null ? "answer" : "edit");

  return (
    <div className="answer-layout">
      <div className="answer-main">
        <PrivacyFindings
          sensitive={sensitive}
          where={{
            kind: "answer",
            inAnswer: inAnswer.length,
            elsewhere: sensitive.filter((s) => s.place === "question" || s.place === "evidence").length,
            redactKey,
            onRedact,
          }}
        />
        <section className="block">
          <h3 className="label">Question</h3>
          <p className="question">
            <PrivacyMarked text={body.question} sensitive={findingsIn(sensitive, "question")} />
          </p>
        </section>
        {latestEdit !== null && (
          <section className="block">
            <h3 className="label label-edited">Edited answer</h3>
            <Markdown className="answer-text answer-edited" text={latestEdit} onCite={cite} sensitive={inAnswer} />
            <h3 className="label">Changes from the model answer</h3>
            <DiffView before={body.answer} after={latestEdit} testId="saved-diff" />
          </section>
        )}
        <section className="block">
          <h3 className="label">{latestEdit === null ? "Model answer" : "Original model answer"}</h3>
          <Markdown
            className={latestEdit === null ? "answer-text" : "answer-text answer-superseded"}
            text={body.answer}
            onCite={cite}
            sensitive={findingsIn(sensitive, "answer")}
          />
        </section>
        {editor !== null && <AnswerEditor {...editor} original={body.answer} findings={inAnswer} />}
        {body.evidence.length > 0 && <GroundingHints groundings={groundings} active={activeSentence} onActivate={setActiveSentence} />}
        {vetting !== null && <VettingPanel vetting={vetting} />}
      </div>
      <aside className="evidence-column" aria-label="Evidence">
        <h3 className="label">
          Evidence <span className="label-count">{body.evidence.length}</span>
        </h3>
        {body.evidence.length === 0 ? (
          <p className="muted">The model was given no passages.</p>
        ) : (
          body.evidence.map((passage) => (
            <EvidencePassage
              key={passage.id}
              passage={passage}
              cited={passage.id === citedId}
              highlight={highlightFor(passage.id)}
              sensitive={passageFindings(sensitive, passage.id)}
            />
          ))
        )}
      </aside>
    </div>
  );
});
