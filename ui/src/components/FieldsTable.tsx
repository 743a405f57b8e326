import type { Field } from "../bindings/Field";

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
          <tr key={field.name} className={highlighted.has(field.name) ? "mapped" : undefined}>
            <td className="mono">{field.name}</td>
            <td className="mono muted">{field.type}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
