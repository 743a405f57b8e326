import { useEffect, useRef } from "react";
import type { Evidence } from "../bindings/Evidence";
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
}

export function EvidencePassage({ passage, cited, highlight, sensitive }: EvidencePassageProps) {
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
      <Markdown className="evidence-text" text={passage.text} highlight={highlight} sensitive={sensitive} />
      <footer className="evidence-source">
        <SafeText text={passage.source} />
      </footer>
    </article>
  );
}
