// The claim verdicts given on the shown item (claimChecks.ts holds the rules) and its domain's
// claim settings. Verdicts are kept per item while the reviewer stays on it, like form answers.
import { useCallback, useEffect, useMemo, useState } from "react";
import * as api from "./api";
import type { Claim } from "./bindings/Claim";
import type { Item } from "./bindings/Item";
import type { ToastMessage } from "./useToast";
import { claimsOf, NO_CLAIMS, type ClaimDraft } from "./claimChecks";

const NO_OFFERED: readonly Claim[] = [];

export interface ClaimChecks {
  /** The shown item's claims as settled so far. */
  draft: ClaimDraft;
  /** Changes the shown item's claims from the latest state (quick key presses each count). */
  update: (change: (draft: ClaimDraft) => ClaimDraft) => void;
  /** The claims settled on `item` (for the decision on it). */
  draftOf: (item: Item) => ClaimDraft;
  /** Forgets the settled claims (they went with a decision): the item starts afresh if shown again. */
  clear: () => void;
  /** The shown domain asks before approving an answer with doubtful claims. */
  confirmApprove: boolean;
  setConfirmApprove: (on: boolean) => Promise<void>;
}

/** `showToast` must be stable (useToast's is): the settings are fetched again when it changes. */
export function useClaimChecks(item: Item | null, revision: string, showToast: (message: ToastMessage) => void): ClaimChecks {
  const [held, setHeld] = useState<ClaimDraft>(NO_CLAIMS);
  const offered = item?.claims ?? NO_OFFERED;
  const shownId = item?.external_id ?? null;
  // One object per shown item until a key changes it, so the memoized answer view keeps it.
  const fresh = useMemo(() => (shownId === null ? NO_CLAIMS : claimsOf(NO_CLAIMS, shownId, offered)), [shownId, offered]);
  const update = useCallback(
    (change: (draft: ClaimDraft) => ClaimDraft) => {
      if (shownId !== null) setHeld((state) => change(claimsOf(state, shownId, offered)));
    },
    [shownId, offered],
  );
  const domain = item?.domain ?? null;
  const [settings, setSettings] = useState<{ domain: string; confirm: boolean } | null>(null);
  useEffect(() => {
    if (domain === null) return;
    let stale = false;
    api.claimSettings(domain).then(
      (loaded) => {
        if (!stale) setSettings({ domain, confirm: loaded.confirm_approve });
      },
      (thrown: unknown) => showToast({ tone: "error", text: `The claim settings could not be loaded: ${api.toCallError(thrown).message}` }),
    );
    return () => {
      stale = true;
    };
  }, [domain, revision, showToast]);
  const setConfirmApprove = useCallback(
    async (on: boolean) => {
      if (domain === null) return;
      try {
        const saved = await api.setClaimSettings(domain, { confirm_approve: on });
        setSettings({ domain, confirm: saved.confirm_approve });
      } catch (thrown) {
        showToast({ tone: "error", text: `The claim setting could not be saved: ${api.toCallError(thrown).message}` });
      }
    },
    [domain, showToast],
  );
  return {
    draft: held.itemId === shownId ? held : fresh,
    update,
    draftOf: (target) => claimsOf(held, target.external_id, target.claims),
    clear: () => setHeld(NO_CLAIMS),
    // Until loaded, ask: the safe side of a per-domain switch.
    confirmApprove: settings === null || settings.domain !== domain || settings.confirm,
    setConfirmApprove,
  };
}
