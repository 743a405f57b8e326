// Renders untrusted text: plain runs as text, bidi controls and zero-width characters as small
// visible tokens (⟨RLO⟩, ⟨ZWSP⟩) with a tooltip naming the code point. The control characters
// themselves never reach the DOM, so they cannot reorder or hide anything. See ../invisibles.ts.
import { Fragment } from "react";
import { describe, splitInvisibles, tokenFor, type InvisibleChar } from "../invisibles";

export function SafeText({ text }: { text: string }) {
  const parts = splitInvisibles(text);
  if (parts.length === 1 && typeof parts[0] === "string") return <>{text}</>;
  return (
    <>
      {parts.map((part, i) => (typeof part === "string" ? <Fragment key={i}>{part}</Fragment> : <InvisibleMark key={i} char={part} />))}
    </>
  );
}

export function InvisibleMark({ char }: { char: InvisibleChar }) {
  return (
    <span
      className={`invisible-char invisible-${char.kind}`}
      data-testid="invisible-char"
      data-code-point={char.codePoint}
      title={describe(char)}
      aria-label={`${char.codePoint} ${char.name}`}
      role="img"
      dir="ltr"
    >
      {tokenFor(char)}
    </span>
  );
}
