// The window: the welcome screen when no database is open, else the review screen for the open
// one. The review screen is keyed on the database's generation, so a switch starts it afresh —
// queue, caches, counts, the shown item and every dialog belong to the old file and go with it.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { App } from "./App";
import type { WindowState } from "./bindings/WindowState";
import { AboutDialog } from "./components/AboutDialog";
import { Dialog } from "./components/Dialog";
import { ErrorPanel } from "./components/ErrorPanel";
import { OpenFailurePanel } from "./components/OpenFailurePanel";
import { SafeText } from "./components/SafeText";
import { TeamServerDialog } from "./components/TeamServerDialog";
import { Welcome } from "./components/Welcome";
import { useWindow } from "./useWindow";

export function Root() {
  const { state, error, busy, actions, dismissError, connecting, stopConnecting, signedIn, notice, dismissNotice } = useWindow();
  const [aboutShown, setAboutShown] = useState(false);
  // The failure of a switch is shown over the review screen until dismissed (per window state).
  const [dismissed, setDismissed] = useState<WindowState | null>(null);
  // The dialogs either screen can show over it.
  const about = (
    <>
      {aboutShown && <AboutDialog onClose={() => setAboutShown(false)} />}
      {connecting && state !== null && <TeamServerDialog remembered={state.team_server} onSignedIn={signedIn} onCancel={stopConnecting} />}
      {notice !== null && (
        <SwitchProblem title="Signed in" onDismiss={dismissNotice}>
          <p>
            <SafeText text={notice} />
          </p>
        </SwitchProblem>
      )}
    </>
  );

  if (state === null) {
    return error === null ? <div className="placeholder">Loading…</div> : <ErrorPanel title="Vetted could not start" error={error} />;
  }
  if (state.database === null) {
    return (
      <>
        <Welcome state={state} error={error} busy={busy} databases={actions} onAbout={() => setAboutShown(true)} />
        {about}
      </>
    );
  }
  const failure = dismissed === state ? null : state.failure;
  return (
    <>
      <App key={state.database.generation} teamServer={state.database.team_server} recent={state.recent} databases={actions} onAbout={() => setAboutShown(true)} />
      {failure !== null && (
        <SwitchProblem title="Still on the current database" onDismiss={() => setDismissed(state)}>
          <OpenFailurePanel failure={failure} listed={state.recent.some((r) => r.path === failure.path)} databases={actions} busy={busy} />
        </SwitchProblem>
      )}
      {error !== null && (
        <SwitchProblem title="The databases were not switched" onDismiss={dismissError}>
          <p>
            <SafeText text={error.message} />
          </p>
        </SwitchProblem>
      )}
      {about}
    </>
  );
}

/** A problem opening another database while one is open: the open one stays; Esc dismisses. */
function SwitchProblem({ title, onDismiss, children }: { title: string; onDismiss: () => void; children: ReactNode }) {
  const ok = useRef<HTMLButtonElement>(null);
  useEffect(() => ok.current?.focus(), []);
  return (
    <Dialog titleId="switch-problem-title" title={title} testId="switch-problem" className="dialog-wide" onDismiss={onDismiss}>
      <div
        onKeyDown={(event) => {
          // The review keys must not act on the item under the dialog.
          event.stopPropagation();
          if (event.key === "Escape") onDismiss();
        }}
      >
        {children}
        <div className="dialog-actions">
          <button ref={ok} type="button" className="button" data-testid="switch-problem-dismiss" onClick={onDismiss}>
            Keep working here
          </button>
        </div>
      </div>
    </Dialog>
  );
}
