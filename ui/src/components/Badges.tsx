// Small labels shared by the queue and the item view.
import type { ItemKind } from "../bindings/ItemKind";
import type { ItemStatus } from "../bindings/ItemStatus";
import type { Verdict } from "../bindings/Verdict";
import { itemKindLabel } from "../itemKinds";

const VERDICT_LABEL: Record<Verdict, string> = { pass: "Vetting: pass", flag: "Vetting: flag", fail: "Vetting: fail" };

export function KindBadge({ kind }: { kind: ItemKind }) {
  return <span className={`kind-badge kind-${kind}`}>{itemKindLabel(kind)}</span>;
}

export function StatusBadge({ status }: { status: ItemStatus }) {
  return <span className={`status-badge status-${status}`}>{status === "needs_sme" ? "needs SME" : status}</span>;
}

export function VerdictDot({ verdict }: { verdict: Verdict }) {
  return <span className={`verdict-dot verdict-${verdict}`} role="img" aria-label={VERDICT_LABEL[verdict]} title={VERDICT_LABEL[verdict]} />;
}

export function VerdictPill({ verdict }: { verdict: Verdict }) {
  return <span className={`verdict-pill verdict-${verdict}`}>{verdict}</span>;
}

export function Kbd({ children }: { children: string }) {
  return <kbd className="kbd">{children}</kbd>;
}
