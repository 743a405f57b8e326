import { NO_CLAIMS, type ClaimDraft } from "../claimChecks";
import { pickInForce } from "../comparisonPicks";
import type { KeyCommand } from "../keyboard";
import type { ComponentProps } from "react";
import type { Decision } from "../bindings/Decision";
import type { EditedContent } from "../bindings/EditedContent";
import type { Item } from "../bindings/Item";
import type { RejectReason } from "../bindings/RejectReason";
import type { ReviewMode } from "../mode";
import { AdjudicationPanel } from "./AdjudicationPanel";
import { AnswerView } from "./AnswerView";
import { ComparisonView } from "./ComparisonView";
import { KindBadge, StatusBadge } from "./Badges";
import { DecisionHistory } from "./DecisionHistory";
import { GuidelinesPanel } from "./GuidelinesPanel";
import { ItemAnnotations } from "./ItemAnnotations";
import { ItemLlmCost } from "./ItemLlmCost";
import { RelationshipView } from "./RelationshipView";
import { ReviewFormPanel } from "./ReviewFormPanel";
import { SafeText } from "./SafeText";

interface ItemViewProps {
  item: Item;
  history: Decision[];
  reasons: RejectReason[];
  mode: ReviewMode;
  /** The selection has moved on and the next item is still loading. */
  stale: boolean;
  onDraftChange: (draft: EditedContent) => void;
  onSave: () => void;
  onCancel: () => void;
  onAddTag: (tag: string) => void;
  onRemoveTag: (tag: string) => void;
  onDoNotTrain: (flag: boolean) => void;
  /** The domain's review form with the answers given on this item; null when none is asked. */
  reviewForm: ComponentProps<typeof ReviewFormPanel> | null;
  /** The key that redacts, as shown; null when unbound. */
  redactKey: string | null;
  /** Redacts the shown answer's personal data and secrets into the edit. */
  onRedact: () => void;
  /** The answer's claims as checked so far, and the domain's claim setting (claimChecks.ts). */
  claims: ClaimDraft;
  onClaimsChange: (change: (draft: ClaimDraft) => ClaimDraft) => void;
  claimsKey: string | null;
  confirmApprove: boolean;
  onConfirmApprove: (on: boolean) => void;
  /** The domain's guidelines panel, less the domain (the item's). */
  guidelines: Omit<ComponentProps<typeof GuidelinesPanel>, "domain">;
  promoted: ReadonlyMap<string, number>;
  onPromote: (decisionId: string) => void;
  /** Shown from the Conflicts tab: the disagreeing reviews side by side. */
  adjudicating: boolean;
  /** Grows when data changed behind the item (an LLM run, an import): its cost line refetches. */
  revision: number;
  /** The decision bar's buttons work: so do a comparison's pick buttons. */
  canDecide: boolean;
  /** The tie key, as shown; null when unbound. */
  tieKey: string | null;
  /** Runs a command as its key does (a comparison's pick buttons). */
  onCommand: (command: KeyCommand) => void;
}

export function ItemView(props: ItemViewProps) {
  const { item, history, reasons, mode, stale, onDraftChange, onSave, onCancel } = props;
  const { body } = item;
  const draft = mode.kind === "edit" ? mode.draft : null;
  const editing = { notice: mode.kind === "edit" ? mode.notice : null, onSave, onCancel };
  return (
    <article
      className={stale ? "item-view stale" : "item-view"}
      data-testid="item-view"
      data-external-id={item.external_id}
      data-status={item.status}
      aria-busy={stale}
    >
      <header className="item-header">
        <span className="item-id">
          <SafeText text={item.external_id} />
        </span>
        <KindBadge kind={body.kind} />
        <span className="item-meta">
          <SafeText text={item.domain} />
        </span>
        <span className="item-meta">
          model{" "}
          <span className="mono">
            <SafeText text={item.model} />
          </span>
        </span>
        <ItemLlmCost externalId={item.external_id} revision={props.revision} />
        <span className="item-header-end">
          <StatusBadge status={item.status} />
        </span>
      </header>
      <ItemAnnotations
        tags={item.tags}
        doNotTrain={item.do_not_train}
        onAddTag={props.onAddTag}
        onRemoveTag={props.onRemoveTag}
        onDoNotTrain={props.onDoNotTrain}
      />
      {body.kind === "answer" ? (
        <AnswerView
          key={item.external_id}
          body={body}
          latestEdit={item.latest_edit?.kind === "answer" ? item.latest_edit.answer : null}
          vetting={item.vetting}
          sensitive={item.sensitive}
          redactKey={props.redactKey}
          onRedact={props.onRedact}
          claims={props.adjudicating ? NO_CLAIMS : props.claims}
          onClaimsChange={props.onClaimsChange}
          claimsKey={props.claimsKey}
          confirmApprove={props.confirmApprove}
          onConfirmApprove={props.onConfirmApprove}
          editor={
            draft?.kind === "answer"
              ? { ...editing, text: draft.answer, onChange: (answer) => onDraftChange({ kind: "answer", answer }) }
              : null
          }
        />
      ) : body.kind === "comparison" ? (
        <ComparisonView
          key={item.external_id}
          body={body}
          latestEdit={item.latest_edit?.kind === "comparison" ? item.latest_edit : null}
          vetting={item.vetting}
          sensitive={item.sensitive}
          picked={pickInForce(item.status, history)}
          canPick={props.canDecide}
          tieKey={props.tieKey}
          onCommand={props.onCommand}
          editor={
            draft?.kind === "comparison"
              ? {
                  ...editing,
                  text: draft.answer,
                  basedOn: draft.based_on,
                  onChange: (answer) => onDraftChange({ kind: "comparison", answer, based_on: draft.based_on }),
                }
              : null
          }
        />
      ) : (
        <RelationshipView
          externalId={item.external_id}
          version={item.version}
          body={body}
          latestEdit={item.latest_edit?.kind === "relationship" ? item.latest_edit.relation : null}
          vetting={item.vetting}
          assessment={item.assessment}
          sensitive={item.sensitive}
          editor={
            draft?.kind === "relationship"
              ? { ...editing, relation: draft.relation, onChange: (relation) => onDraftChange({ kind: "relationship", relation }) }
              : null
          }
        />
      )}
      {props.reviewForm !== null && <ReviewFormPanel {...props.reviewForm} />}
      {props.adjudicating && (
        <AdjudicationPanel externalId={item.external_id} version={item.version} reasons={reasons} body={body} />
      )}
      <GuidelinesPanel domain={item.domain} {...props.guidelines} />
      <DecisionHistory
        history={history}
        reasons={reasons}
        body={body}
        promoted={props.promoted}
        onPromote={props.onPromote}
      />
    </article>
  );
}
