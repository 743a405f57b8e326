// The dialog of the current mode (reject, needs SME, which candidate to edit, reviewer, export,
// LLM run, providers), or nothing. The cheat sheet is not here: App renders it after the jobs
// panel, where it always was.
import type { QueueFacets } from "../bindings/QueueFacets";
import { describeQueue, type RunPlace } from "../llmRun";
import type { DialogSave } from "../useDialogSave";
import type { JobDrafts } from "../useJobDrafts";
import type { ReviewSession } from "../useReviewSession";
import { CandidatePrompt } from "./CandidatePrompt";
import { ExportDialog } from "./ExportDialog";
import { ConfirmApproveDialog } from "./ConfirmApproveDialog";
import { NeedsSmeDialog } from "./NeedsSmeDialog";
import { PromptsDialog } from "./PromptsDialog";
import { ReviewFormDialog } from "./ReviewFormDialog";
import { ProvidersDialog } from "./ProvidersDialog";
import { RejectDialog } from "./RejectDialog";
import { ReviewerDialog } from "./ReviewerDialog";
import { RunModelDialog } from "./RunModelDialog";

interface ModeDialogsProps extends JobDrafts {
  review: ReviewSession;
  facets: QueueFacets | null;
  /** Where the prompts and review form dialogs put their save, for the app's save key. */
  dialogSave: DialogSave;
  /** The approve key as shown (it confirms an approval too); null when unbound. */
  approveKey: string | null;
  /** Where a model run would go (the model dialog offers what runs there, to whom). */
  runPlace: RunPlace;
}

export function ModeDialogs({ review, facets, exportDialog, llmRunDialog, dialogSave, approveKey, runPlace }: ModeDialogsProps) {
  const { mode, setMode, busy } = review;
  const itemId = review.current?.item.external_id ?? "";
  switch (mode.kind) {
    case "reject":
      return (
        <RejectDialog
          itemId={itemId}
          reasons={review.reasons}
          selected={mode.reasonIndex}
          note={mode.note}
          busy={busy}
          onPick={(reasonIndex) => setMode((m) => (m.kind === "reject" ? { ...m, reasonIndex } : m))}
          onNoteChange={(note) => setMode((m) => (m.kind === "reject" ? { ...m, note } : m))}
          onConfirm={review.confirmReject}
          onCancel={review.cancel}
        />
      );
    case "choose-candidate": {
      const item = review.current?.item;
      if (item?.body.kind !== "comparison") return null;
      const edit = item.latest_edit;
      return (
        <CandidatePrompt
          candidates={item.body.candidates}
          editBase={edit?.kind === "comparison" ? edit.based_on : null}
          onChoose={review.editCandidate}
          onCancel={review.cancel}
        />
      );
    }
    case "confirm-approve":
      return <ConfirmApproveDialog doubtful={mode.doubtful} approveKey={approveKey} busy={busy} onConfirm={review.confirmApprove} onCancel={review.cancel} />;
    case "sme":
      return (
        <NeedsSmeDialog
          itemId={itemId}
          question={mode.question}
          busy={busy}
          onChange={(question) => setMode((m) => (m.kind === "sme" ? { ...m, question } : m))}
          onConfirm={review.confirmSme}
          onCancel={review.cancel}
        />
      );
    case "reviewer": {
      const { session, reviewerChoice } = review;
      if (session === null) return null;
      return (
        <ReviewerDialog
          draft={reviewerChoice.draft}
          profiles={reviewerChoice.profiles}
          firstStart={session.needs_profile}
          busy={busy}
          onChange={reviewerChoice.setDraft}
          onConfirm={reviewerChoice.confirm}
          onCancel={review.cancel}
        />
      );
    }
    case "export":
      return <ExportDialog draft={exportDialog.draft} facets={facets} onChange={exportDialog.onChange} onConfirm={exportDialog.onConfirm} onCancel={review.cancel} />;
    case "llm-run":
      return (
        <RunModelDialog
          draft={llmRunDialog.draft}
          scope={describeQueue(llmRunDialog.shownQueue)}
          onChange={llmRunDialog.onChange}
          onConfirm={llmRunDialog.onConfirm}
          onCancel={review.cancel}
          onOpenProviders={() => setMode({ kind: "providers" })}
          place={runPlace}
        />
      );
    case "providers":
      return <ProvidersDialog onClose={review.cancel} />;
    case "prompts":
      return <PromptsDialog domains={facets?.domains ?? []} saveRef={dialogSave} onClose={review.cancel} />;
    case "forms":
      return (
        <ReviewFormDialog
          domains={facets?.domains ?? []}
          initialDomain={review.current?.item.domain ?? null}
          onChanged={review.formsChanged}
          saveRef={dialogSave}
          onClose={review.cancel}
        />
      );
    default:
      return null;
  }
}
