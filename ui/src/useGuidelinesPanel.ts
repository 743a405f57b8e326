// The item view's guidelines panel: the shown item's domain's guidelines (useGuidelines), whether
// the panel is open, the `g` key's focus request, and the history's "Make guideline" buttons.
import { useMemo, useState } from "react";
import { promotedDecisions } from "./guidelines";
import { useGuidelines } from "./useGuidelines";
import type { ToastMessage } from "./useToast";

/** `showToast` must be stable (as useToast's is): the guidelines load once per domain. */
export function useGuidelinesPanel(domain: string | null, showToast: (message: ToastMessage) => void, showError: (text: string) => void, openItem: (externalId: string) => void) {
  const guidelines = useGuidelines(domain, showError);
  const [open, setOpen] = useState(true);
  const [focusRequest, setFocusRequest] = useState(0);
  const promoted = useMemo(() => promotedDecisions(guidelines.guidelines), [guidelines.guidelines]);
  return {
    panel: {
      guidelines: guidelines.guidelines,
      open,
      focusRequest,
      onToggle: () => setOpen((isOpen) => !isOpen),
      onAdd: guidelines.add,
      onUpdate: guidelines.update,
      onArchive: (id: number) => void guidelines.archive(id),
      onOpenItem: openItem,
    },
    promoted,
    onPromote: (decisionId: string) =>
      void guidelines.promote(decisionId).then((ok) => ok && showToast({ tone: "success", text: "The note is now a guideline of this domain." })),
    /** Opens the panel and moves the focus to its editor. */
    focus: () => {
      setOpen(true);
      setFocusRequest((n) => n + 1);
    },
  };
}
