/** A sample-row value as plain text; null as a muted "null", a key the row lacks as nothing. */
export function CellValue({ value }: { value: unknown }) {
  if (value === undefined) return null;
  if (value === null) return <span className="null">null</span>;
  if (typeof value === "object") return <>{JSON.stringify(value)}</>;
  return <>{String(value)}</>;
}
