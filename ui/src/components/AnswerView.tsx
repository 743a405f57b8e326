import { memo, useState } from "react";
import type { AnswerBody } from "../bindings/AnswerBody";
import type { EvidenceSpan } from "../bindings/EvidenceSpan";
import type { Sensitive } from "../bindings/Sensitive";
import type { Vetting } from "../bindings/Vetting";
import type { ClaimDraft } from "../claimChecks";
import { citedPassage } from "../grounding";
import { findingsIn } from "../redaction";
import { AnswerEditor, type AnswerEditorProps } from "./AnswerEditor";
import { DiffView } from "./DiffView";
import { EvidenceColumn } from "./EvidenceColumn";
import { ClaimsPanel } from "./ClaimsPanel";
import { Markdown } from "./Markdown";
import { PrivacyFindings } from "./PrivacyFindings";
import { QuestionBlock } from "./QuestionBlock";
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
  /** The model answer's claims as checked so far (claimChecks.ts). */
  claims: ClaimDraft;
  onClaimsChange: (change: (draft: ClaimDraft) => ClaimDraft) => void;
  claimsKey: string | null;
  confirmApprove: boolean;
  onConfirmApprove: (on: boolean) => void;
}

const NO_WORDS: ReadonlySet<string> = new Set();
const NO_SPANS: readonly EvidenceSpan[] = [];

export const AnswerView = memo(function AnswerView(props: AnswerViewProps) {
  const { body, latestEdit, vetting, editor, sensitive, redactKey, onRedact, claims } = props;
  const [citedId, setCitedId] = useState<string | null>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  // The claim whose support shows in the evidence: the hovered one, else the one being checked.
  const shownClaim = claims.rows[hovered ?? (claims.active ? claims.focused : -1)];
  const highlightFor = (passageId: string): ReadonlySet<string> =>
    new Set(shownClaim?.support.find((s) => s.passage === passageId)?.shared ?? NO_WORDS);
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
        <QuestionBlock question={body.question} sensitive={sensitive} />
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
        {claims.rows.length > 0 && (
          <ClaimsPanel
            claims={claims}
            onChange={props.onClaimsChange}
            claimsKey={props.claimsKey}
            confirmApprove={props.confirmApprove}
            onConfirmApprove={props.onConfirmApprove}
            onHighlight={setHovered}
          />
        )}
        {vetting !== null && <VettingPanel vetting={vetting} />}
      </div>
      <EvidenceColumn
        evidence={body.evidence}
        sensitive={sensitive}
        citedId={citedId}
        highlightFor={highlightFor}
        linkedFor={(passageId) => shownClaim?.spans.filter((span) => span.passage === passageId) ?? NO_SPANS}
      />
    </div>
  );
});
