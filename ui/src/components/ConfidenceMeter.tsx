/** The model's own confidence (0–1) as a percentage with a small bar. */
export function ConfidenceMeter({ value }: { value: number }) {
  const percent = Math.round(Math.min(Math.max(value, 0), 1) * 100);
  const level = percent >= 80 ? "high" : percent >= 50 ? "medium" : "low";
  return (
    <span className="confidence" title="Model confidence">
      <span className="confidence-label">confidence</span>
      <span className="confidence-bar" aria-hidden="true">
        <span className={`confidence-fill confidence-${level}`} style={{ width: `${percent}%` }} />
      </span>
      <span className="confidence-value">{percent}%</span>
    </span>
  );
}
