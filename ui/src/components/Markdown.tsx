// Renders the safe markdown subset (markdown.ts) as React elements. Links are never anchors:
// the link text is followed by its URL as plain text, flagged when not https. Images are a note.
import type { ReactNode } from "react";
import type { Sensitive } from "../bindings/Sensitive";
import { parseMarkdown, type Inline } from "../markdown";
import { kindLabel, segments } from "../redaction";
import { SafeText } from "./SafeText";

interface MarkdownProps {
  text: string;
  className?: string;
  /** Called when a citation such as [1] or [doc-3] is clicked; without it citations are text. */
  onCite?: (ref: string) => void;
  /** Lower-cased words to mark (grounding hints). */
  highlight?: ReadonlySet<string>;
  /** The privacy screen's findings in this text, marked wherever they occur. */
  sensitive?: readonly Sensitive[];
}

export function Markdown({ text, className, onCite, highlight, sensitive }: MarkdownProps) {
  const inline = (inlines: Inline[]) => inlines.map((node, i) => <InlineNode key={i} node={node} onCite={onCite} highlight={highlight} sensitive={sensitive} />);
  return (
    <div className={className}>
      {parseMarkdown(text).map((block, i) => {
        switch (block.type) {
          case "paragraph":
            return (
              <p key={i} className="md-paragraph">
                {inline(block.inlines)}
              </p>
            );
          case "code":
            return (
              <pre key={i} className="md-code-block">
                <PrivacyMarked text={block.text} sensitive={sensitive} />
              </pre>
            );
          case "list": {
            const items = block.items.map((item, j) => <li key={j}>{inline(item)}</li>);
            return block.ordered ? <ol key={i} className="md-list">{items}</ol> : <ul key={i} className="md-list">{items}</ul>;
          }
        }
      })}
    </div>
  );
}

interface InlineNodeProps {
  node: Inline;
  onCite: ((ref: string) => void) | undefined;
  highlight: ReadonlySet<string> | undefined;
  sensitive: readonly Sensitive[] | undefined;
}

function InlineNode({ node, onCite, highlight, sensitive }: InlineNodeProps): ReactNode {
  const children = (nodes: Inline[]) => nodes.map((child, i) => <InlineNode key={i} node={child} onCite={onCite} highlight={highlight} sensitive={sensitive} />);
  switch (node.type) {
    case "text":
      return <PrivacyMarked text={node.text} sensitive={sensitive} highlight={highlight} />;
    case "strong":
      return <strong>{children(node.children)}</strong>;
    case "em":
      return <em>{children(node.children)}</em>;
    case "code":
      return <code className="md-code"><PrivacyMarked text={node.text} sensitive={sensitive} /></code>;
    case "image":
      return <span className="md-image-note">[image not shown: <SafeText text={node.alt || "no description"} />]</span>;
    case "link":
      return (
        <span className="md-link">
          <PrivacyMarked text={node.text} sensitive={sensitive} />{" "}
          <span className={node.https ? "md-url" : "md-url md-url-unsafe"} title={node.https ? "Link (not opened by Vetted)" : "Not an https link"}>
            (<PrivacyMarked text={node.url} sensitive={sensitive} />)
          </span>
        </span>
      );
    case "citation":
      return onCite === undefined ? (
        `[${node.ref}]`
      ) : (
        <button type="button" className="citation" data-testid="citation" data-ref={node.ref} onClick={() => onCite(node.ref)}>
          [{node.ref}]
        </button>
      );
  }
}

interface PrivacyMarkedProps {
  text: string;
  sensitive: readonly Sensitive[] | undefined;
  highlight?: ReadonlySet<string> | undefined;
}

/** `text` with the privacy screen's findings marked, and grounding words highlighted in the rest. */
export function PrivacyMarked({ text, sensitive, highlight }: PrivacyMarkedProps) {
  const plain = (part: string, key?: number) =>
    highlight === undefined || highlight.size === 0 ? <SafeText key={key} text={part} /> : <Highlighted key={key} text={part} words={highlight} />;
  if (sensitive === undefined || sensitive.length === 0) return plain(text);
  return (
    <>
      {segments(text, sensitive).map(({ text: part, finding }, i) =>
        finding === null ? (
          plain(part, i)
        ) : (
          <PrivacyMark key={i} finding={finding} text={part} />
        ),
      )}
    </>
  );
}

/** `text`, an occurrence (or part of one) of the privacy screen's `finding`, marked. */
export function PrivacyMark({ finding, text }: { finding: Sensitive; text: string }) {
  return (
    <mark className="privacy-mark" data-testid="privacy-mark" data-kind={finding.kind} title={`${kindLabel(finding.kind)}: redacted as ${finding.placeholder}`}>
      <SafeText text={text} />
    </mark>
  );
}

/** Wraps the words of `text` found in `words` (compared lower-cased) in <mark>. */
function Highlighted({ text, words }: { text: string; words: ReadonlySet<string> }) {
  const parts = text.split(/([\p{L}\p{N}]+)/u);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 && words.has(part.toLowerCase()) ? (
          <mark key={i} className="grounding-mark">
            {part}
          </mark>
        ) : (
          <SafeText key={i} text={part} />
        ),
      )}
    </>
  );
}
