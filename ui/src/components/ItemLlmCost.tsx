import { useEffect, useState } from "react";
import * as api from "../api";
import type { CostTotals } from "../bindings/CostTotals";
import { formatUsd } from "../jobs";

/**
 * What the LLM calls about this item (generating it, vetting it) cost, in the item header.
 * Fetched after the item is painted, so it never delays the next item; `revision` grows when a
 * run or import may have added calls.
 */
export function ItemLlmCost({ externalId, revision }: { externalId: string; revision: number }) {
  const [costs, setCosts] = useState<{ id: string; totals: CostTotals } | null>(null);
  useEffect(() => {
    let superseded = false;
    api.itemCosts(externalId).then(
      (totals) => superseded || setCosts({ id: externalId, totals }),
      // A cost line is a nicety: without it the item is still reviewable.
      () => superseded || setCosts(null),
    );
    return () => {
      superseded = true;
    };
  }, [externalId, revision]);
  if (costs === null || costs.id !== externalId || costs.totals.calls === 0) return null;
  const t = costs.totals;
  const detail = `${t.calls} LLM call${t.calls === 1 ? "" : "s"} (${t.failed_calls} failed): ${t.prompt_tokens} prompt + ${t.completion_tokens} completion tokens${
    t.unpriced_calls > 0 ? `; ${t.unpriced_calls} unpriced (no price for the model)` : ""
  }`;
  return (
    <span className="item-meta" title={detail} data-testid="item-llm-cost">
      LLM {formatUsd(t.cost_usd)} · {t.calls} call{t.calls === 1 ? "" : "s"}
    </span>
  );
}
