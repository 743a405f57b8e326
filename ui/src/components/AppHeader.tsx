import type { SessionInfo } from "../bindings/SessionInfo";

export function AppHeader({ session }: { session: SessionInfo | null }) {
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Vetted
      </div>
      {session !== null && (
        <div className="session">
          <span className="session-reviewer">
            Reviewing as <strong>{session.reviewer}</strong>
          </span>
          {/* Right-to-left so a long path is cut at its start; the inner span keeps it readable. */}
          <span className="session-db" title={session.db_path}>
            <span dir="ltr">{session.db_path}</span>
          </span>
        </div>
      )}
    </header>
  );
}
