import type { CallError } from "../api";
import { SafeText } from "./SafeText";

interface ErrorPanelProps {
  title: string;
  error: CallError;
  onRetry?: () => void;
}

export function ErrorPanel({ title, error, onRetry }: ErrorPanelProps) {
  return (
    <div className="panel-center" role="alert">
      <h2 className="panel-title">{title}</h2>
      <p className="panel-text">
        <SafeText text={error.message} />
      </p>
      <p className="muted mono">{error.code}</p>
      {onRetry !== undefined && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
