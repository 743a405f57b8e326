import { Kbd } from "./Badges";

interface EditorActionsProps {
  notice: string | null;
  onSave: () => void;
  onCancel: () => void;
}

/** Save / Cancel under an editor, with a gentle notice when saving was declined. */
export function EditorActions({ notice, onSave, onCancel }: EditorActionsProps) {
  return (
    <>
      <p className="editor-notice" role="status">
        {notice}
      </p>
      <div className="editor-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel <Kbd>Esc</Kbd>
        </button>
        <button type="button" className="button button-primary" onClick={onSave}>
          Save as edit <Kbd>Ctrl+Enter</Kbd>
        </button>
      </div>
    </>
  );
}
