// The `?` dialog: every action with its keys; a reviewer can rebind an action by pressing a new
// key. Conflicts are refused with the action that already owns the key (keymap.ts `rebind`).
import { useEffect, useState } from "react";
import { ACTION_LABEL, DEFAULT_KEYMAP, KEYMAP_ACTIONS, bindingOf, keyLabel, rebind, type Keymap, type KeymapAction } from "../keymap";
import { Kbd } from "./Badges";
import { Dialog } from "./Dialog";

interface CheatSheetProps {
  keymap: Keymap;
  onChange: (keymap: Keymap) => void;
  onClose: () => void;
}

const MODIFIER_KEYS = new Set(["Control", "Shift", "Alt", "Meta"]);

export function CheatSheet({ keymap, onChange, onClose }: CheatSheetProps) {
  const [capturing, setCapturing] = useState<KeymapAction | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  // While capturing, the next key press is the new binding and reaches nothing else.
  useEffect(() => {
    if (capturing === null) return;
    const capture = (event: KeyboardEvent) => {
      if (MODIFIER_KEYS.has(event.key)) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      setCapturing(null);
      if (event.key === "Escape") return;
      const result = rebind(keymap, capturing, bindingOf(event));
      if ("problem" in result) setProblem(result.problem);
      else {
        setProblem(null);
        onChange(result.keymap);
      }
    };
    window.addEventListener("keydown", capture, { capture: true });
    return () => window.removeEventListener("keydown", capture, { capture: true });
  }, [capturing, keymap, onChange]);

  return (
    <Dialog titleId="keys-title" title="Keyboard" testId="cheat-sheet" className="dialog-wide" onDismiss={onClose}>
      <p className="dialog-hint">
        In dialogs: <Kbd>1</Kbd>–<Kbd>9</Kbd> pick a reason, <Kbd>Ctrl+Enter</Kbd> saves, <Kbd>Esc</Kbd> cancels.
      </p>
      <table className="keys-table">
        <tbody>
          {KEYMAP_ACTIONS.map((action) => (
            <tr key={action} data-testid="cheat-sheet-row" data-action={action}>
              <td>{ACTION_LABEL[action]}</td>
              <td>
                {capturing === action ? (
                  <span className="muted">Press a key… (Esc keeps the old one)</span>
                ) : (
                  keymap[action].map((binding) => <Kbd key={binding}>{keyLabel(binding)}</Kbd>)
                )}
              </td>
              <td>
                <button type="button" className="link-button" onClick={() => setCapturing(action)}>
                  Change
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="editor-notice" role="status" data-testid="keymap-problem">
        {problem}
      </p>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={() => onChange(DEFAULT_KEYMAP)}>
          Reset to defaults
        </button>
        <button type="button" className="button button-primary" onClick={onClose}>
          Close <Kbd>Esc</Kbd>
        </button>
      </div>
    </Dialog>
  );
}
