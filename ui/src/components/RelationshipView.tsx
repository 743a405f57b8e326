import { memo } from "react";
import type { Assessment } from "../bindings/Assessment";
import type { Relation } from "../bindings/Relation";
import type { RelationshipBody } from "../bindings/RelationshipBody";
import type { Sensitive } from "../bindings/Sensitive";
import type { Vetting } from "../bindings/Vetting";
import { AssessmentPanel } from "./AssessmentPanel";
import { ComputedEvidencePanel } from "./ComputedEvidencePanel";
import { MappingConnectors } from "./MappingConnectors";
import { PrivacyFindings } from "./PrivacyFindings";
import { ProductCard } from "./ProductCard";
import { RelationEditor, type RelationEditorProps } from "./RelationEditor";
import { RelationSummary } from "./RelationSummary";
import { VettingPanel } from "./VettingPanel";

interface RelationshipViewProps {
  externalId: string;
  version: number;
  body: RelationshipBody;
  /** The relation as corrected by the latest edit decision, if that was the latest decision. */
  latestEdit: Relation | null;
  vetting: Vetting | null;
  /** The relate model's judgement, when it ranked this candidate. */
  assessment: Assessment | null;
  editor: Omit<RelationEditorProps, "sourceFields" | "targetFields"> | null;
  /** The privacy screen's findings in the sample rows (`Item.sensitive`). */
  sensitive: readonly Sensitive[];
}

const SAMPLES = { kind: "samples" } as const;

export const RelationshipView = memo(function RelationshipView({ externalId, version, body, latestEdit, vetting, assessment, editor, sensitive }: RelationshipViewProps) {
  // Highlight the mapping in force: the draft while editing, else the latest edit, else the proposal.
  const inForce = editor?.relation ?? latestEdit ?? body.relation;
  const mapping = inForce.mapping;
  const sourceNames = new Set(mapping.map((pair) => pair.source_field));
  const targetNames = new Set(mapping.map((pair) => pair.target_field));
  return (
    <div className="relationship-layout">
      <div className={vetting === null && assessment === null ? "relation-row without-vetting" : "relation-row"}>
        <div className="relation-column">
          {latestEdit !== null && (
            <RelationSummary
              title="Edited relation"
              edited
              relation={latestEdit}
              source={body.source.product}
              target={body.target.product}
            />
          )}
          <RelationSummary
            title={latestEdit === null ? "Proposed relation" : "Original proposal"}
            relation={body.relation}
            source={body.source.product}
            target={body.target.product}
            rationale={body.rationale}
            confidence={body.confidence}
          />
          {editor !== null && (
            <RelationEditor
              {...editor}
              sourceFields={body.source.fields.map((field) => field.name)}
              targetFields={body.target.fields.map((field) => field.name)}
            />
          )}
        </div>
        {(vetting !== null || assessment !== null) && (
          <div className="relation-vetting">
            {vetting !== null && <VettingPanel vetting={vetting} />}
            {assessment !== null && <AssessmentPanel assessment={assessment} />}
          </div>
        )}
      </div>
      <ComputedEvidencePanel externalId={externalId} version={version} />
      <PrivacyFindings sensitive={sensitive} where={SAMPLES} />
      <div className="products">
        <ProductCard role="source" side={body.source} highlighted={sourceNames} sensitive={sensitive.filter((s) => s.place === "sample" && s.side === "source")} />
        <ProductCard role="target" side={body.target} highlighted={targetNames} sensitive={sensitive.filter((s) => s.place === "sample" && s.side === "target")} />
        <MappingConnectors mapping={mapping} cardinality={inForce.cardinality} />
      </div>
    </div>
  );
});
