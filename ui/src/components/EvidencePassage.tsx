import type { Evidence } from "../bindings/Evidence";

export function EvidencePassage({ passage }: { passage: Evidence }) {
  return (
    <article className="evidence" data-testid="evidence">
      <header className="evidence-header">
        <span className="evidence-id">{passage.id}</span>
        <span className="evidence-title">{passage.title}</span>
      </header>
      <p className="evidence-text">{passage.text}</p>
      <footer className="evidence-source">{passage.source}</footer>
    </article>
  );
}
