import type { ToastMessage } from "../useToast";
import { SafeText } from "./SafeText";

export function Toast({ toast, onDismiss }: { toast: ToastMessage; onDismiss: () => void }) {
  return (
    <div className={`toast toast-${toast.tone}`} data-testid="toast" role={toast.tone === "error" ? "alert" : "status"}>
      <span className="toast-text">
        <SafeText text={toast.text} />
      </span>
      {toast.action !== undefined && (
        <button type="button" className="link-button" onClick={toast.action.run}>
          {toast.action.label}
        </button>
      )}
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
