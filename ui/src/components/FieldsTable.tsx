import type { Field } from "../bindings/Field";
import { SafeText } from "./SafeText";

export function FieldsTable({ fields, highlighted }: { fields: Field[]; highlighted: Set<string> }) {
  return (
    <table className="table fields-table">
      <thead>
        <tr>
          <th>Field</th>
          <th>Type</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((field) => (
          <tr key={field.name} data-field={field.name} className={highlighted.has(field.name) ? "mapped" : undefined}>
            <td className="mono">
              <SafeText text={field.name} />
            </td>
            <td className="mono muted">
              <SafeText text={field.type} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
