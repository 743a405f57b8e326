// Renders the safe markdown subset (markdown.ts) as React elements. Links are never anchors:
// the link text is followed by its URL as plain text, flagged when not https. Images are a note.
import type { ReactNode } from "react";
import { parseMarkdown, type Inline } from "../markdown";
import { SafeText } from "./SafeText";

interface MarkdownProps {
  text: string;
  className?: string;
  /** Called when a citation such as [1] or [doc-3] is clicked; without it citations are text. */
  onCite?: (ref: string) => void;
  /** Lower-cased words to mark (grounding hints). */
  highlight?: ReadonlySet<string>;
}

export function Markdown({ text, className, onCite, highlight }: MarkdownProps) {
  const inline = (inlines: Inline[]) => inlines.map((node, i) => <InlineNode key={i} node={node} onCite={onCite} highlight={highlight} />);
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
                <SafeText text={block.text} />
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
}

function InlineNode({ node, onCite, highlight }: InlineNodeProps): ReactNode {
  const children = (nodes: Inline[]) => nodes.map((child, i) => <InlineNode key={i} node={child} onCite={onCite} highlight={highlight} />);
  switch (node.type) {
    case "text":
      return highlight === undefined || highlight.size === 0 ? <SafeText text={node.text} /> : <Highlighted text={node.text} words={highlight} />;
    case "strong":
      return <strong>{children(node.children)}</strong>;
    case "em":
      return <em>{children(node.children)}</em>;
    case "code":
      return <code className="md-code"><SafeText text={node.text} /></code>;
    case "image":
      return <span className="md-image-note">[image not shown: <SafeText text={node.alt || "no description"} />]</span>;
    case "link":
      return (
        <span className="md-link">
          <SafeText text={node.text} />{" "}
          <span className={node.https ? "md-url" : "md-url md-url-unsafe"} title={node.https ? "Link (not opened by Vetted)" : "Not an https link"}>
            (<SafeText text={node.url} />)
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
