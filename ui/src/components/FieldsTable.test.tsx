import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { FieldsTable } from "./FieldsTable";

describe("FieldsTable", () => {
  it("marks each row with its field name, so the mapping lines can find it", () => {
    const html = renderToStaticMarkup(<FieldsTable fields={[{ name: "CustomerId", type: "INTEGER" }, { name: "Order Details", type: "TEXT" }]} highlighted={new Set(["CustomerId"])} />);
    expect(html).toContain('<tr data-field="CustomerId" class="mapped">');
    expect(html).toContain('<tr data-field="Order Details">');
  });
});
