import type { ProductSide } from "../bindings/ProductSide";
import type { Sensitive } from "../bindings/Sensitive";
import { FieldsTable } from "./FieldsTable";
import { SampleRowsTable } from "./SampleRowsTable";
import { SafeText } from "./SafeText";

interface ProductCardProps {
  role: "source" | "target";
  side: ProductSide;
  /** Field names that take part in the mapping. */
  highlighted: Set<string>;
  /** The privacy screen's findings in this side's sample rows. */
  sensitive: readonly Sensitive[];
}

export function ProductCard({ role, side, highlighted, sensitive }: ProductCardProps) {
  return (
    <section className="product" data-testid={`product-${role}`}>
      <header className="product-header">
        <span className="product-role">{role}</span>
        <h3 className="product-name">
          <SafeText text={side.product} />
        </h3>
        <span className="product-stats">
          {side.fields.length} fields · {side.sample_rows.length} sample rows
        </span>
      </header>
      <FieldsTable fields={side.fields} highlighted={highlighted} />
      <SampleRowsTable fields={side.fields} rows={side.sample_rows} highlighted={highlighted} sensitive={sensitive} />
    </section>
  );
}
