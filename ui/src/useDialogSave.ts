// Ctrl+Enter in a dialog that saves what it holds (prompts, review forms): the app's save key
// reaches the dialog through a ref the dialog keeps pointing at its latest save, so the key works
// wherever the focus is (WebKit leaves it on the page when a button is clicked).
import { useEffect, type RefObject } from "react";

/** What the app's save key runs while such a dialog is open; a no-op otherwise. */
export type DialogSave = RefObject<() => void>;

export const NO_SAVE = () => {};

/** Points `saveRef` at `save` (the latest render's) while the dialog is open. */
export function useDialogSave(saveRef: DialogSave, save: () => void): void {
  useEffect(() => {
    saveRef.current = save;
  });
  useEffect(
    () => () => {
      saveRef.current = NO_SAVE;
    },
    [saveRef],
  );
}
