// The text editor of the versioned-text dialogs (prompts, review forms): a monospace textarea,
// and the refusal or the confirmation of the last save under it. Ctrl+Enter saves from anywhere in
// the dialog: the app's save key runs the dialog's `DialogSave` (see useDialogSave).
import { SafeText } from "./SafeText";

interface VersionedTextEditorProps {
  /** `${testId}-text`, `-problem` and `-saved` are the parts' test ids. */
  testId: string;
  label: string;
  rows: number;
  value: string;
  disabled: boolean;
  onChange: (text: string) => void;
  problem: string | null;
  saved: string | null;
}

export function VersionedTextEditor({ testId, label, rows, value, disabled, onChange, problem, saved }: VersionedTextEditorProps) {
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
