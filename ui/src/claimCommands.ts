// The claim keys' handlers for the command table: they read the reviewer's text selection (to link
// the evidence it covers, or to split a claim where it starts) and change the shown item's claims.
import { claimFocusMoved, clauseBreak, linkToggled, merged, spanOfSelection, splitAt, verdictGiven } from "./claimChecks";
import type { CommandTable } from "./keyboard";
import type { ReviewSession } from "./useReviewSession";
import type { ToastMessage } from "./useToast";

type ClaimCommandTypes = "claims" | "claimsDone" | "claimVerdict" | "claimMove" | "claimLink" | "claimMerge" | "claimSplit";

/** The selected text and the element it lies in, or null without a selection. */
function selection(): { text: string; within: (selector: string) => Element | null } | null {
  const selected = window.getSelection();
  if (selected === null || selected.isCollapsed || selected.anchorNode === null) return null;
  const element = (node: Node | null) => (node instanceof Element ? node : (node?.parentElement ?? null));
  const anchor = element(selected.anchorNode);
  const focus = element(selected.focusNode);
  return {
    text: selected.toString(),
    // Both ends inside the same element matching `selector`.
    within: (selector) => {
      const found = anchor?.closest(selector) ?? null;
      return found !== null && found === (focus?.closest(selector) ?? null) ? found : null;
    },
  };
}

export function claimCommands(review: ReviewSession, showToast: (message: ToastMessage) => void): Pick<CommandTable, ClaimCommandTypes> {
  const { claims } = review;
  const info = (text: string) => showToast({ tone: "info", text });
  const answerText = () => (review.current?.item.body.kind === "answer" ? review.current.item.body.answer : null);
  return {
    claims: () => {
      const item = review.current?.item;
      if (item === undefined || item.body.kind !== "answer") info(`Only an answer has claims to check; ${item?.body.kind === "comparison" ? "a comparison's candidates are picked (1–4) or edited" : "a relationship's evidence is its sample rows"}.`);
      else if (review.queue.filter === "conflict") info("A final decision settles the reviews; their claim verdicts stay as the reviewers gave them.");
      else if (item.claims.length === 0) info("This answer has no claims to check.");
      else claims.update((draft) => ({ ...draft, active: !draft.active }));
    },
    claimsDone: () => claims.update((draft) => ({ ...draft, active: false })),
    claimVerdict: ({ verdict }) => claims.update((draft) => verdictGiven(draft, verdict)),
    claimMove: ({ delta }) => claims.update((draft) => claimFocusMoved(draft, delta)),
    claimMerge: () => {
      const answer = answerText();
      if (answer === null || claims.draft.focused >= claims.draft.rows.length - 1) info("The last claim has no next claim to merge with.");
      else claims.update((draft) => merged(draft, answer));
    },
    claimLink: () => {
      const item = review.current?.item;
      if (item === undefined || item.body.kind !== "answer") return;
      const selected = selection();
      const passageElement = selected?.within("[data-passage-id]") ?? null;
      const passage = item.body.evidence.find((p) => p.id === passageElement?.getAttribute("data-passage-id"));
      if (selected !== null && passage !== undefined) {
        const span = spanOfSelection(passage.id, passage.text, selected.text);
        if (span === null) {
          info("That selection is not plain text of the passage: select words within one paragraph, without formatting marks.");
          return;
        }
        claims.update((draft) => linkToggled(draft, span));
        window.getSelection()?.removeAllRanges();
        return;
      }
      if (claims.draft.rows[claims.draft.focused]?.hint == null) info("Select the supporting text in an evidence passage, then press L.");
      else claims.update((draft) => {
        const hint = draft.rows[draft.focused]?.hint ?? null;
        return hint === null ? draft : linkToggled(draft, hint);
      });
    },
    claimSplit: () => {
      const answer = answerText();
      const row = claims.draft.rows[claims.draft.focused];
      if (answer === null || row === undefined) return;
      // At the start of a selection inside the focused claim, else at its middle clause break.
      const selected = selection();
      const inClaim = selected?.within(`[data-claim-index="${claims.draft.focused}"]`) ?? null;
      const at = inClaim !== null && selected !== null && row.text.includes(selected.text.trim()) ? Array.from(row.text.slice(0, row.text.indexOf(selected.text.trim()))).length : clauseBreak(row.text);
      if (at === null || splitAt(claims.draft, answer, at) === null) info("No place to split this claim: select the words the second part starts with, then press B.");
      else claims.update((draft) => splitAt(draft, answer, at) ?? draft);
    },
  };
}
