// The screen with no database open: create one, open one, open the demo, or pick a recent one.
// Keys: Tab moves between the buttons; 1–9 open the recent database with that number.
import { useEffect, useRef } from "react";
import type { CallError } from "../api";
import type { WindowState } from "../bindings/WindowState";
import { folderOf } from "../openFailure";
import { useGlobalKeydown } from "../useGlobalKeydown";
import { useWelcomePaintMark } from "../usePaintMark";
import type { DatabaseActions } from "../useWindow";
import { Kbd } from "./Badges";
import { OpenFailurePanel } from "./OpenFailurePanel";
import { SafeText } from "./SafeText";

interface WelcomeProps {
  state: WindowState;
  /** An action the shell refused, shown above the choices. */
  error: CallError | null;
  busy: boolean;
  databases: DatabaseActions;
  onAbout: () => void;
}

export function Welcome({ state, error, busy, databases, onAbout }: WelcomeProps) {
  const first = useRef<HTMLButtonElement>(null);
  useWelcomePaintMark();
  useEffect(() => {
    first.current?.focus();
    // The window is usable: the e2e tests wait for this (the review screen sets it too).
    document.body.dataset.ready = "true";
  }, []);
  useGlobalKeydown((event) => {
    if (busy || event.ctrlKey || event.altKey || event.metaKey || !/^[1-9]$/.test(event.key)) return;
    const target = state.recent[Number(event.key) - 1];
    if (target === undefined) return;
    event.preventDefault();
    databases.openRecent(target.path);
  });
  const { failure, recent } = state;
  return (
    <main className="welcome" data-testid="welcome">
      <header className="welcome-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Vetted
        </div>
        <p className="muted">Review what LLMs produce before anyone trusts it or trains on it.</p>
      </header>
      {error !== null && (
        <p className="welcome-error" role="alert">
          <SafeText text={error.message} />
        </p>
      )}
      {failure !== null && (
        <OpenFailurePanel failure={failure} listed={recent.some((r) => r.path === failure.path)} databases={databases} busy={busy} />
      )}
      <div className="welcome-actions">
        <button ref={first} type="button" className="button welcome-action" disabled={busy} data-testid="welcome-new" onClick={databases.newDatabase}>
          <strong>New database…</strong>
          <span className="muted">An empty database for your own items</span>
        </button>
        <button type="button" className="button welcome-action" disabled={busy} data-testid="welcome-open" onClick={databases.openDatabase}>
          <strong>Open database…</strong>
          <span className="muted">A Vetted database file</span>
        </button>
        <button type="button" className="button welcome-action" disabled={busy} data-testid="welcome-demo" onClick={databases.openDemo}>
          <strong>Open the demo</strong>
          <span className="muted">40 answers and relationships to try the keys on</span>
        </button>
        <button type="button" className="button welcome-action" disabled={busy} data-testid="welcome-team-server" onClick={databases.connectTeamServer}>
          <strong>Connect to team server…</strong>
          <span className="muted">Review with your team on a shared PostgreSQL server</span>
        </button>
      </div>
      <section className="welcome-recent" aria-labelledby="welcome-recent-title">
        <h2 id="welcome-recent-title" className="welcome-recent-title">
          Recent databases
        </h2>
        {recent.length === 0 ? (
          <p className="muted">None yet: the databases you open are listed here.</p>
        ) : (
          <ol className="welcome-recent-list" data-testid="recent-list">
            {recent.map((r, i) => (
              <li key={r.path} className="welcome-recent-row" data-testid="recent-row" data-missing={r.missing} data-path={r.path}>
                <button type="button" className="welcome-recent-open" disabled={busy} data-testid="recent-open" title={r.path} onClick={() => databases.openRecent(r.path)}>
                  {i < 9 && <Kbd>{String(i + 1)}</Kbd>}
                  <span className="welcome-recent-name">
                    <SafeText text={r.name} />
                  </span>
                  <span className="muted mono welcome-recent-folder">
                    <SafeText text={folderOf(r.path)} />
                  </span>
                  {r.missing && <span className="badge badge-missing">missing</span>}
                </button>
                <button type="button" className="button button-small" disabled={busy} data-testid="recent-forget" aria-label={`Remove ${r.name} from the recent list`} onClick={() => databases.forgetRecent(r.path)}>
                  Remove
                </button>
              </li>
            ))}
          </ol>
        )}
      </section>
      <footer className="welcome-footer">
        <button type="button" className="button button-small" data-testid="welcome-about" onClick={onAbout}>
          About Vetted
        </button>
      </footer>
    </main>
  );
}
