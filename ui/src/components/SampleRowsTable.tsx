import type { Field } from "../bindings/Field";
import type { Sensitive } from "../bindings/Sensitive";
import { CellValue } from "./CellValue";
import { PrivacyMarked } from "./Markdown";
import { SafeText } from "./SafeText";

interface SampleRowsTableProps {
  fields: Field[];
  rows: Array<Record<string, unknown>>;
  highlighted: Set<string>;
  /** The privacy screen's findings in these rows' text cells (`place: "sample"`). */
  sensitive: readonly Sensitive[];
}

/** Sample rows in the declared field order, then any keys the rows carry beyond the schema. */
export function SampleRowsTable({ fields, rows, highlighted, sensitive }: SampleRowsTableProps) {
  if (rows.length === 0) return <p className="sample-caption">No sample rows</p>;
  const columns = fields.map((field) => field.name);
  for (const row of rows) {
    for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  }
  const mappedClass = (column: string) => (highlighted.has(column) ? "mapped" : undefined);
  return (
    <>
      <p className="sample-caption">Sample rows</p>
      <div className="sample-scroll" role="region" aria-label="Sample rows" tabIndex={0}>
        <table className="table sample-table">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} className={mappedClass(column)}>
                <SafeText text={column} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {columns.map((column) => (
                <td key={column} className={mappedClass(column)}>
                  <Cell value={row[column]} found={sensitive.filter((s) => s.place === "sample" && s.row === i && s.column === column)} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        </table>
      </div>
    </>
  );
}

/** A cell: its findings marked when the privacy screen found any in its text. */
function Cell({ value, found }: { value: unknown; found: readonly Sensitive[] }) {
  if (found.length === 0 || typeof value !== "string") return <CellValue value={value} />;
  return (
    <span className="cell-value">
      <PrivacyMarked text={value} sensitive={found} />
    </span>
  );
}
