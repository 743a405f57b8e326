import { memo } from "react";
import type { RecentDatabase } from "../bindings/RecentDatabase";
import type { SessionInfo } from "../bindings/SessionInfo";
import type { KeyCommand } from "../keyboard";
import { visibleText } from "../invisibles";
import { keyLabel, type Keymap } from "../keymap";
import { folderOf, recentMenuEntries } from "../openFailure";
import type { DatabaseActions } from "../useWindow";
import { FILE_MENU, HeaderMenu, MODELS_MENU, type MenuSection } from "./HeaderMenu";
import { ROLE_LABEL } from "../teamRoles";

/** How many recent databases the File menu lists (the welcome screen shows them all). */
const RECENT_IN_MENU = 5;

interface AppHeaderProps {
  session: SessionInfo | null;
  keymap: Keymap;
  /** The stats dashboard is shown (its button reads as pressed and takes the reviewer back). */
  statsShown: boolean;
  /** The relationship graph is shown (likewise). */
  graphShown: boolean;
  onCommand: (command: KeyCommand) => void;
  /** The recent databases, the open one included. */
  recent: readonly RecentDatabase[];
  databases: DatabaseActions;
  onAbout: () => void;
  /** Opens the list of who may sign in to the open team server (shown on a team server only). */
  onTeamReviewers: () => void;
}


const withKey = (label: string, key: string | undefined) => (key === undefined ? label : `${label} (${keyLabel(key)})`);

export const AppHeader = memo(function AppHeader({ session, keymap, statsShown, graphShown, onCommand, recent, databases, onAbout, onTeamReviewers }: AppHeaderProps) {
  const fileSections: MenuSection[] = [
    {
      items: [
        { id: "new-database", label: "New database…", onSelect: databases.newDatabase },
        { id: "open-database", label: "Open database…", onSelect: databases.openDatabase },
        { id: "team-server", label: "Connect to team server…", onSelect: databases.connectTeamServer },
        ...(session?.team_server === true ? [{ id: "team-reviewers", label: "Team reviewers…", onSelect: onTeamReviewers }] : []),
      ],
    },
    {
      heading: "Open recent",
      items: recentMenuEntries(recent, RECENT_IN_MENU)
        .filter((r) => r.path !== session?.db_path)
        .map((r, i) => ({ id: `recent-${i}`, label: r.name, detail: folderOf(r.path), onSelect: () => databases.openRecent(r.path) })),
    },
    { items: [{ id: "close-database", label: "Close database", onSelect: databases.closeDatabase }] },
  ].filter((section) => section.items.length > 0);
  const helpSections: MenuSection[] = [
    {
      items: [
        { id: "shortcuts", label: "Keyboard shortcuts", onSelect: () => onCommand({ type: "help" }) },
        { id: "about", label: "About Vetted", onSelect: onAbout },
      ],
    },
  ];
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Vetted
      </div>
      <HeaderMenu title="File" name="file" sections={fileSections} entries={FILE_MENU} keymap={keymap} onCommand={onCommand} />
      <HeaderMenu title="Models" name="models" entries={MODELS_MENU} keymap={keymap} onCommand={onCommand} />
      <HeaderMenu title="Help" name="help" sections={helpSections} entries={[]} keymap={keymap} onCommand={onCommand} />
      <nav className="view-actions" aria-label="Views">
        <button
          type="button"
          className={statsShown ? "button button-small button-toggle-on" : "button button-small"}
          aria-pressed={statsShown}
          data-testid="header-stats"
          title={withKey(statsShown ? "Back to review" : "Stats dashboard", keymap.stats[0])}
          onClick={() => onCommand({ type: "stats" })}
        >
          Stats
        </button>
        <button
          type="button"
          className={graphShown ? "button button-small button-toggle-on" : "button button-small"}
          aria-pressed={graphShown}
          data-testid="header-graph"
          title={withKey(graphShown ? "Back to review" : "Relationship graph", keymap.graph[0])}
          onClick={() => onCommand({ type: "graph" })}
        >
          Graph
        </button>
      </nav>
      {session !== null && (
        <div className="session">
          <span className="session-reviewer" data-testid="session-reviewer">
            Reviewing as <strong>{visibleText(session.reviewer)}</strong>
            {session.role !== null && <span className="session-role"> · {ROLE_LABEL[session.role]}</span>}
          </span>
          {session.team_server ? (
            // The server's login is the reviewer: switching means signing in as someone else.
            <span className="session-team" data-testid="session-team-server" title="A team server: the server decides what your role may do">
              Team server
            </span>
          ) : (
            <button type="button" className="button button-small" onClick={() => onCommand({ type: "reviewer" })} data-testid="header-reviewer" title={`Switch reviewer (${keyLabel(keymap.reviewer[0] ?? "")})`}>
              Switch
            </button>
          )}
          {/* Right-to-left so a long path is cut at its start; the inner span keeps it readable. */}
          <span className="session-db" title={session.db_path}>
            <span dir="ltr">{session.db_path}</span>
          </span>
        </div>
      )}
    </header>
  );
});
