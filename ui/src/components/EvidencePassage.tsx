import { useEffect, useRef } from "react";
import type { Evidence } from "../bindings/Evidence";
import type { EvidenceSpan } from "../bindings/EvidenceSpan";
import type { Sensitive } from "../bindings/Sensitive";
import { Markdown } from "./Markdown";
import { SafeText } from "./SafeText";

interface EvidencePassageProps {
  passage: Evidence;
  /** A citation to this passage was just followed. */
  cited: boolean;
  /** Words of the active answer sentence found in this passage. */
  highlight: ReadonlySet<string>;
  /** The privacy screen's findings in this passage. */
  sensitive: readonly Sensitive[];
  /** Spans of this passage linked to the claim being checked. */
  linked: readonly EvidenceSpan[];
}

export function EvidencePassage({ passage, cited, highlight, sensitive, linked }: EvidencePassageProps) {
  const element = useRef<HTMLElement>(null);
  useEffect(() => {
    if (cited) element.current?.scrollIntoView({ block: "nearest" });
  }, [cited]);
  return (
    <article ref={element} className={cited ? "evidence evidence-cited" : "evidence"} data-testid="evidence" data-passage-id={passage.id} data-cited={cited}>
      <header className="evidence-header">
        <span className="evidence-id">
          <SafeText text={passage.id} />
        </span>
        <span className="evidence-title">
          <SafeText text={passage.title} />
        </span>
      </header>
      {linked.map((span) => (
        <blockquote key={`${span.start}-${span.end}`} className="claim-linked" data-testid="claim-linked" title="Linked to the claim as its evidence">
          <SafeText text={span.text} />
        </blockquote>
      ))}
      <Markdown className="evidence-text" text={passage.text} highlight={highlight} sensitive={sensitive} />
      <footer className="evidence-source">
        <SafeText text={passage.source} />
      </footer>
    </article>
  );
}
