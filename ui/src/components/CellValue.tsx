import { SafeText } from "./SafeText";

/** A sample-row value as plain (hostile-safe) text; null as a muted "null", a key the row lacks as nothing. */
export function CellValue({ value }: { value: unknown }) {
  if (value === undefined) return null;
  if (value === null) return <span className="null">null</span>;
  return (
    <span className="cell-value">
      <SafeText text={typeof value === "object" ? JSON.stringify(value) : String(value)} />
    </span>
  );
}
