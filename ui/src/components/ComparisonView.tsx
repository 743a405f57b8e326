// A comparison: the question, its 2–4 candidates side by side with the words that differ marked
// (comparisonDiff.ts), the latest edit, the editor, and the evidence as an answer shows it. The
// reviewer picks the best with 1–4 or a tie with = (or the buttons, which run the same commands);
// E edits a candidate (keyboard.ts). The pick in force is marked.
import { memo } from "react";
import type { ComparisonBody } from "../bindings/ComparisonBody";
import type { EvidenceSpan } from "../bindings/EvidenceSpan";
import type { Pick as CandidatePick } from "../bindings/Pick";
import type { Sensitive } from "../bindings/Sensitive";
import type { Vetting } from "../bindings/Vetting";
import { candidateRuns, diffRule, withFindings, type MarkedPiece } from "../comparisonDiff";
import type { KeyCommand } from "../keyboard";
import { candidateFindings, findingsIn } from "../redaction";
import { AnswerEditor, type AnswerEditorProps } from "./AnswerEditor";
import { DiffView } from "./DiffView";
import { EvidenceColumn } from "./EvidenceColumn";
import { Markdown, PrivacyMark } from "./Markdown";
import { PrivacyFindings } from "./PrivacyFindings";
import { QuestionBlock } from "./QuestionBlock";
import { SafeText } from "./SafeText";
import { VettingPanel } from "./VettingPanel";

interface ComparisonViewProps {
  body: ComparisonBody;
  /** The new chosen answer of the effective decision, if that decision is an edit. */
  latestEdit: { answer: string; based_on: number } | null;
  vetting: Vetting | null;
  /** The privacy screen's findings in the item (`Item.sensitive`). */
  sensitive: readonly Sensitive[];
  /** The open editor and the candidate (from 0) its draft started from. */
  editor: (AnswerEditorProps & { basedOn: number }) | null;
  /** The pick of the approve in force (`pickInForce`), marked on its candidate or as a tie. */
  picked: CandidatePick | null;
  /** The pick buttons work when the decision bar's do. */
  canPick: boolean;
  /** The tie key, as shown; null when unbound. */
  tieKey: string | null;
  /** Runs a pick's command, as its key does. */
  onCommand: (command: KeyCommand) => void;
}

const NO_WORDS: ReadonlySet<string> = new Set();
const NO_SPANS: readonly EvidenceSpan[] = [];

export const ComparisonView = memo(function ComparisonView({ body, latestEdit, vetting, sensitive, editor, picked, canPick, tieKey, onCommand }: ComparisonViewProps) {
  const { candidates } = body;
  const runs = candidateRuns(candidates.map((c) => c.answer));
  const inEdit = findingsIn(sensitive, "edit");
  const inCandidates = sensitive.filter((s) => s.place === "candidate").length + inEdit.length;
  const editedFrom = latestEdit === null ? undefined : candidates[latestEdit.based_on];
  return (
    <div className="answer-layout comparison-layout" data-testid="comparison" data-candidates={candidates.length}>
      <div className="answer-main">
        <PrivacyFindings
          sensitive={sensitive}
          where={{ kind: "candidates", inCandidates, elsewhere: sensitive.filter((s) => s.place === "question" || s.place === "evidence").length }}
        />
        <QuestionBlock question={body.question} sensitive={sensitive} />
        {latestEdit !== null && (
          <section className="block" data-testid="comparison-edit" data-based-on={latestEdit.based_on + 1}>
            <h3 className="label label-edited">Edited answer, from candidate {latestEdit.based_on + 1}</h3>
            <Markdown className="answer-text answer-edited" text={latestEdit.answer} sensitive={inEdit} />
            <h3 className="label">Changes from candidate {latestEdit.based_on + 1}</h3>
            <DiffView before={editedFrom?.answer ?? ""} after={latestEdit.answer} testId="saved-diff" />
          </section>
        )}
        <section className="block">
          <div className="candidates-heading">
            <h3 className="label">
              Candidates <span className="label-count">{candidates.length}</span>
            </h3>
            {picked === "tie" && (
              <span className="picked-label" data-testid="comparison-tie">
                Judged a tie
              </span>
            )}
            <button type="button" className="button button-small" data-testid="pick-tie" disabled={!canPick} onClick={() => onCommand({ type: "tie" })}>
              Tie{tieKey !== null && ` (${tieKey})`}
            </button>
          </div>
          <p className="comparison-rule" data-testid="comparison-rule">
            {diffRule(candidates.length)}
          </p>
          <div className="candidates" data-count={candidates.length}>
            {candidates.map((candidate, index) => {
              const isPicked = picked !== null && picked !== "tie" && picked.best === index;
              return (
                <article
                  key={index}
                  className={["candidate", editor?.basedOn === index && "candidate-editing", isPicked && "candidate-picked"].filter(Boolean).join(" ")}
                  data-testid="candidate"
                  data-candidate={index + 1}
                  data-editing={editor?.basedOn === index}
                  data-picked={isPicked}
                >
                  <h4 className="candidate-header">
                    <span className="candidate-number">{index + 1}</span> ·{" "}
                    <span className="candidate-model mono">
                      <SafeText text={candidate.model} />
                    </span>
                    {isPicked && <span className="picked-label">Picked</span>}
                    <button
                      type="button"
                      className="button button-small candidate-pick"
                      data-testid="pick-candidate"
                      data-candidate={index + 1}
                      title={`Pick candidate ${index + 1} as the best (${index + 1})`}
                      disabled={!canPick}
                      onClick={() => onCommand({ type: "pickBest", candidate: index + 1 })}
                    >
                      Best
                    </button>
                  </h4>
                  <p className="candidate-text" data-testid="candidate-text">
                    <CandidateText pieces={withFindings(runs[index] ?? [], candidateFindings(sensitive, index))} />
                  </p>
                </article>
              );
            })}
          </div>
        </section>
        {editor !== null && <CandidateEditor editor={editor} original={candidates[editor.basedOn]?.answer ?? ""} sensitive={sensitive} />}
        {vetting !== null && <VettingPanel vetting={vetting} />}
      </div>
      <EvidenceColumn evidence={body.evidence} sensitive={sensitive} citedId={null} highlightFor={() => NO_WORDS} linkedFor={() => NO_SPANS} />
    </div>
  );
});

/** A candidate's text as plain text, its differing words marked and the privacy screen's findings marked within. */
function CandidateText({ pieces }: { pieces: readonly MarkedPiece[] }) {
  return (
    <>
      {pieces.map((piece, i) => {
        const text = piece.finding === null ? <SafeText text={piece.text} /> : <PrivacyMark finding={piece.finding} text={piece.text} />;
        if (piece.mark === "added") {
          return (
            <ins key={i} className="diff-inserted" data-mark="added">
              {text}
            </ins>
          );
        }
        if (piece.mark === "removed") {
          return (
            <del key={i} className="diff-deleted" data-mark="removed">
              {text}
            </del>
          );
        }
        return <span key={i}>{text}</span>;
      })}
    </>
  );
}

/** The answer editor, its live diff against the candidate the edit started from. */
function CandidateEditor({ editor, original, sensitive }: { editor: AnswerEditorProps & { basedOn: number }; original: string; sensitive: readonly Sensitive[] }) {
  const { basedOn, ...props } = editor;
  // The draft holds the candidate's text or the latest edit's: either one's findings may be in it.
  const findings = [...candidateFindings(sensitive, basedOn), ...findingsIn(sensitive, "edit")];
  return <AnswerEditor {...props} original={original} findings={findings} against={`candidate ${basedOn + 1}`} />;
}
