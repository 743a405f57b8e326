// The text editor of the versioned-text dialogs (prompts, review forms): a monospace textarea
// where Ctrl+Enter saves, and the refusal or the confirmation of the last save under it.
import { SafeText } from "./SafeText";

interface VersionedTextEditorProps {
  /** `${testId}-text`, `-problem` and `-saved` are the parts' test ids. */
  testId: string;
  label: string;
  rows: number;
  value: string;
  disabled: boolean;
  /** Ctrl+Enter saves only when there is something to save. */
  canSave: boolean;
  onChange: (text: string) => void;
  onSave: () => void;
  problem: string | null;
  saved: string | null;
}

export function VersionedTextEditor({ testId, label, rows, value, disabled, canSave, onChange, onSave, problem, saved }: VersionedTextEditorProps) {
  return (
    <>
      <textarea
        className="input prompts-editor mono"
        data-testid={`${testId}-text`}
        aria-label={label}
        rows={rows}
        spellCheck={false}
        value={value}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && canSave) {
            event.preventDefault();
            onSave();
          }
        }}
      />
      {problem !== null && (
        <p className="dialog-problem" role="alert" data-testid={`${testId}-problem`}>
          <SafeText text={problem} />
        </p>
      )}
      {saved !== null && (
        <p className="dialog-hint" role="status" data-testid={`${testId}-saved`}>
          <SafeText text={saved} />
        </p>
      )}
    </>
  );
}
