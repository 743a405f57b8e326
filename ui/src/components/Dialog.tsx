import type { ReactNode } from "react";

interface DialogProps {
  /** The title's element id, which labels the dialog. */
  titleId: string;
  title: ReactNode;
  testId: string;
  /** Extra class for the dialog box, e.g. `dialog-wide`. */
  className?: string;
  /** Called on a click on the backdrop; null when the dialog must be answered (first start). */
  onDismiss: (() => void) | null;
  children: ReactNode;
}

/** A modal dialog over a backdrop: the shell every dialog of the app shares. */
export function Dialog({ titleId, title, testId, className, onDismiss, children }: DialogProps) {
  return (
    <div className="overlay" onMouseDown={(event) => onDismiss !== null && event.target === event.currentTarget && onDismiss()}>
      <div className={className === undefined ? "dialog" : `dialog ${className}`} role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid={testId}>
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        {children}
      </div>
    </div>
  );
}
