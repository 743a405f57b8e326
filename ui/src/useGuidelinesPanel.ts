// The item view's guidelines panel: the shown item's domain's guidelines (useGuidelines), whether
// the panel is open, the `g` key's focus request, and the history's "Make guideline" buttons.
import { useCallback, useMemo, useState } from "react";
import { promotedDecisions } from "./guidelines";
import { useGuidelines } from "./useGuidelines";
import type { ToastMessage } from "./useToast";

/** `showToast` must be stable (as useToast's is): the guidelines load once per domain. */
export function useGuidelinesPanel(domain: string | null, showToast: (message: ToastMessage) => void, showError: (text: string) => void, openItem: (externalId: string) => void) {
  const { guidelines: list, add, update, archive, promote, reload } = useGuidelines(domain, showError);
  const [open, setOpen] = useState(true);
  const [focusRequest, setFocusRequest] = useState(0);
  const promoted = useMemo(() => promotedDecisions(list), [list]);
  // One identity while nothing in it changes: the item view's panel and history are memoized and
  // skip the app's other renders (counts, toasts, the busy bar).
  const onToggle = useCallback(() => setOpen((isOpen) => !isOpen), []);
  const onArchive = useCallback((id: number) => void archive(id), [archive]);
  const panel = useMemo(
    () => ({ guidelines: list, open, focusRequest, onToggle, onAdd: add, onUpdate: update, onArchive, onOpenItem: openItem }),
    [list, open, focusRequest, onToggle, add, update, onArchive, openItem],
  );
  const onPromote = useCallback(
    (decisionId: string) => void promote(decisionId).then((ok) => ok && showToast({ tone: "success", text: "The note is now a guideline of this domain." })),
    [promote, showToast],
  );
  return {
    panel,
    promoted,
    onPromote,
    /** Loads the domain's guidelines again (someone else changed them). */
    reload,
    /** Opens the panel and moves the focus to its editor. */
    focus: () => {
      setOpen(true);
      setFocusRequest((n) => n + 1);
    },
  };
}
