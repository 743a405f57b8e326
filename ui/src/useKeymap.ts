// The reviewer's keymap: defaults merged with the overrides stored in SQLite; a change is saved
// at once (only the differences from the defaults are stored).
import { useCallback, useEffect, useState } from "react";
import * as api from "./api";
import { DEFAULT_KEYMAP, overridesOf, withOverrides, type Keymap } from "./keymap";

/** `onError` must be stable (e.g. from useCallback): the overrides load once per identity. */
export function useKeymap(onError: (message: string) => void): { keymap: Keymap; changeKeymap: (keymap: Keymap) => void } {
  const [keymap, setKeymap] = useState<Keymap>(DEFAULT_KEYMAP);

  useEffect(() => {
    api.getKeymap().then(
      (overrides) => setKeymap(withOverrides(overrides)),
      (thrown: unknown) => onError(`Your key bindings could not be loaded: ${api.toCallError(thrown).message}`),
    );
  }, [onError]);

  const changeKeymap = useCallback(
    (next: Keymap) => {
      setKeymap(next);
      api.setKeymap(overridesOf(next)).catch((thrown: unknown) => onError(`Your key bindings could not be saved: ${api.toCallError(thrown).message}`));
    },
    [onError],
  );

  return { keymap, changeKeymap };
}
