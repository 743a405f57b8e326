// File ▸ Team reviewers…: who may sign in to the open team server's database, with their roles.
// Its owner adds a login (a new one with a password, or one that signs in elsewhere on the server
// already) and removes one; everyone else reads the list. The server decides: the dialog shows
// what it says. Esc closes; Enter in the form adds.
import { useEffect, useRef, useState } from "react";
import * as api from "../api";
import type { Role } from "../bindings/Role";
import type { TeamReviewers } from "../bindings/TeamReviewers";
import { ROLE_CHOICES, removalSummary, rolesLabel } from "../teamRoles";
import { Kbd } from "./Badges";
import { Dialog } from "./Dialog";
import { OptionSelect } from "./OptionSelect";
import { SafeText } from "./SafeText";

interface Draft {
  login: string;
  role: Role;
  password: string;
}

const EMPTY: Draft = { login: "", role: "analyst", password: "" };

export function TeamReviewersDialog({ onClose }: { onClose: () => void }) {
  const [list, setList] = useState<TeamReviewers | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  /** The login whose removal waits for a second click. */
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** What the last change did, in a sentence. */
  const [done, setDone] = useState<string | null>(null);
  const loginField = useRef<HTMLInputElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);

  const showError = (thrown: unknown) => setError(api.toCallError(thrown).message);
  const reload = () => api.teamReviewers().then(setList, showError);
  // Focus is in the dialog from the start (Esc closes it; the review keys stay off), and moves
  // to the form once the server says this login may add.
  useEffect(() => {
    closeButton.current?.focus();
    void reload();
  }, []);
  const manage = list?.may_manage === true;
  useEffect(() => {
    if (manage) loginField.current?.focus();
  }, [manage]);

  /**
   * Runs one change on the server; the dialog waits for it, and shows its refusal (focus goes
   * back to `refocus`, as the button that was pressed was disabled meanwhile).
   */
  const change = <T,>(call: () => Promise<T>, after: (result: T) => void, refocus: React.RefObject<HTMLElement | null>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    call().then(
      (result) => {
        setBusy(false);
        after(result);
      },
      (thrown: unknown) => {
        setBusy(false);
        setConfirming(null);
        showError(thrown);
        refocus.current?.focus();
      },
    );
  };

  const login = draft.login.trim();
  const add = () => {
    if (busy || login === "") return;
    change(
      () => api.addTeamReviewer(login, draft.role, draft.password === "" ? null : draft.password),
      (updated) => {
        setList(updated);
        setDraft(EMPTY);
        setDone(`${login} may sign in as ${rolesLabel(updated.reviewers.find((r) => r.login === login)?.roles ?? [draft.role])}.`);
        loginField.current?.focus();
      },
      loginField,
    );
  };
  const remove = (who: string) => {
    if (busy) return;
    if (confirming !== who) {
      setConfirming(who);
      return;
    }
    change(
      () => api.removeTeamReviewer(who),
      (removed) => {
        setConfirming(null);
        setDone(removalSummary(who, removed));
        closeButton.current?.focus();
        void reload();
      },
      closeButton,
    );
  };

  return (
    <Dialog
      titleId="team-reviewers-title"
      title={list === null ? "Team reviewers" : <>Team reviewers of <SafeText text={list.database} /></>}
      testId="team-reviewers-dialog"
      className="dialog-wide"
      onDismiss={busy ? null : onClose}
    >
      <div
        onKeyDown={(event) => {
          // The review keys must not act on the item under the dialog.
          event.stopPropagation();
          if (event.key !== "Escape" || busy) return;
          if (confirming !== null) setConfirming(null);
          else onClose();
        }}
      >
        <p className="dialog-hint">
          Reviewers are the server's logins; their role decides what the server lets them do.{" "}
          {list !== null && !manage && "Only the database's owner adds or removes reviewers."}
        </p>
        {list !== null &&
          (list.reviewers.length === 0 ? (
            <p className="dialog-hint" data-testid="team-reviewers-empty">
              No reviewers yet{manage ? ": add the first below." : "."}
            </p>
          ) : (
            <table className="table" data-testid="team-reviewers-list">
              <thead>
                <tr>
                  <th scope="col">Login</th>
                  <th scope="col">Role</th>
                  {manage && <th scope="col" aria-label="Actions" />}
                </tr>
              </thead>
              <tbody>
                {list.reviewers.map((r) => (
                  <tr key={r.login} data-testid="team-reviewer" data-login={r.login}>
                    <td className="mono">
                      <SafeText text={r.login} />
                    </td>
                    <td>{rolesLabel(r.roles)}</td>
                    {manage && (
                      <td>
                        <button
                          type="button"
                          className={confirming === r.login ? "button button-small button-reject-solid" : "button button-small"}
                          data-testid="team-reviewer-remove"
                          aria-label={confirming === r.login ? `Remove ${r.login}: click again to confirm` : `Remove ${r.login}`}
                          disabled={busy}
                          onClick={() => remove(r.login)}
                          onBlur={() => setConfirming((c) => (c === r.login ? null : c))}
                        >
                          {confirming === r.login ? `Remove ${r.login}: sure?` : "Remove"}
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        {confirming !== null && (
          <p className="dialog-hint" data-testid="team-reviewer-confirm">
            Click again to take the database from {confirming}: the items they hold go back to the queue, their decisions stay, and their open sessions here
            are closed where the server allows. Esc keeps them.
          </p>
        )}
        {manage && (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              add();
            }}
          >
            <div className="field-row">
              <label className="field">
                <span className="field-label">Login</span>
                <input
                  ref={loginField}
                  className="input"
                  data-testid="team-reviewer-login"
                  spellCheck={false}
                  autoComplete="off"
                  placeholder="e.g. maria"
                  disabled={busy}
                  value={draft.login}
                  onChange={(event) => setDraft({ ...draft, login: event.target.value })}
                />
              </label>
              <label className="field">
                <span className="field-label">Role</span>
                <OptionSelect testId="team-reviewer-role" value={draft.role} options={ROLE_CHOICES} onChange={(role) => setDraft({ ...draft, role })} />
              </label>
            </div>
            <label className="field">
              <span className="field-label">Password</span>
              <input
                className="input"
                type="password"
                data-testid="team-reviewer-password"
                autoComplete="new-password"
                placeholder="sets the login's password; leave empty to keep the one it has"
                disabled={busy}
                value={draft.password}
                onChange={(event) => setDraft({ ...draft, password: event.target.value })}
              />
            </label>
            <div className="dialog-actions">
              <button type="submit" className="button button-primary" data-testid="team-reviewer-add" disabled={busy || login === ""}>
                {busy ? "Asking the server…" : "Add reviewer"} <Kbd>Enter</Kbd>
              </button>
            </div>
          </form>
        )}
        {error !== null && (
          <p className="dialog-error" role="alert" data-testid="team-reviewers-error">
            <SafeText text={error} />
          </p>
        )}
        {done !== null && (
          <p className="dialog-hint" role="status" data-testid="team-reviewers-done">
            <SafeText text={done} />
          </p>
        )}
        <div className="dialog-actions">
          <button ref={closeButton} type="button" className="button" disabled={busy} onClick={onClose}>
            Close <Kbd>Esc</Kbd>
          </button>
        </div>
      </div>
    </Dialog>
  );
}
