// Connect to team server…: where the server is, who signs in, the password (kept in the OS
// keyring once the server took it) and how the session is protected. The server decides who
// the reviewer is (its login) and what they may do. Enter signs in, Esc cancels.
import { useEffect, useRef, useState } from "react";
import * as api from "../api";
import type { ServerAddress } from "../bindings/ServerAddress";
import type { TeamSignIn } from "../bindings/TeamSignIn";
import type { TlsMode } from "../bindings/TlsMode";
import { Kbd } from "./Badges";
import { Dialog } from "./Dialog";
import { OptionSelect } from "./OptionSelect";
import { SafeText } from "./SafeText";

const TLS_MODES: { value: TlsMode; label: string }[] = [
  { value: "verify-full", label: "TLS, certificate and host name checked (verify-full)" },
  { value: "verify-ca", label: "TLS, certificate checked (verify-ca)" },
  { value: "require", label: "TLS, certificate not checked (require)" },
  { value: "disable", label: "Not encrypted (a server on this machine only)" },
];

/** A new address: the default port, full TLS checks against the system's roots. */
export const NEW_ADDRESS: ServerAddress = { host: "", port: 5432, database: "vetted", user: "", tls: "verify-full", ca_file: null };

interface TeamServerDialogProps {
  /** The server last signed in to, offered again; null the first time. */
  remembered: ServerAddress | null;
  onSignedIn: (signIn: TeamSignIn) => void;
  onCancel: () => void;
}

export function TeamServerDialog({ remembered, onSignedIn, onCancel }: TeamServerDialogProps) {
  const [address, setAddress] = useState<ServerAddress>(remembered ?? NEW_ADDRESS);
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  const passwordField = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Back to a known server, only the password may be missing.
    (remembered === null ? first : passwordField).current?.focus();
  }, [remembered]);
  const change = (patch: Partial<ServerAddress>) => {
    setAddress((a) => ({ ...a, ...patch }));
    setError(null);
  };
  const ready = address.host.trim() !== "" && address.user.trim() !== "" && address.database.trim() !== "";
  const submit = () => {
    if (busy || !ready) return;
    setBusy(true);
    setError(null);
    api.connectTeamServer(address, password === "" ? null : password).then(
      (signIn) => {
        setBusy(false);
        onSignedIn(signIn);
      },
      (thrown: unknown) => {
        setBusy(false);
        setError(api.toCallError(thrown).message);
      },
    );
  };
  const chooseCa = () => {
    api.chooseCaFile().then(
      (file) => file !== null && change({ ca_file: file }),
      (thrown: unknown) => setError(api.toCallError(thrown).message),
    );
  };
  const text = (label: string, key: "host" | "database" | "user", placeholder: string, ref?: React.RefObject<HTMLInputElement | null>) => (
    <label className="field">
      <span className="field-label">{label}</span>
      <input
        ref={ref}
        className="input"
        data-testid={`team-server-${key}`}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        value={address[key]}
        onChange={(event) => change({ [key]: event.target.value })}
      />
    </label>
  );
  return (
    <Dialog titleId="team-server-title" title="Connect to team server" testId="team-server-dialog" onDismiss={busy ? null : onCancel}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
        onKeyDown={(event) => {
          // The review keys must not act on the item under the dialog.
          event.stopPropagation();
          if (event.key === "Escape" && !busy) onCancel();
        }}
      >
        <p className="dialog-hint">
          A PostgreSQL server set up with <code>vetted team init</code>. You review as your login there; the server decides what your role may do.
        </p>
        <div className="field-row">
          {text("Host", "host", "review.example.com", first)}
          <label className="field field-narrow">
            <span className="field-label">Port</span>
            <input
              className="input"
              data-testid="team-server-port"
              inputMode="numeric"
              value={address.port === 0 ? "" : String(address.port)}
              onChange={(event) => change({ port: Math.min(65535, Number(event.target.value.replace(/\D/g, "")) || 0) })}
            />
          </label>
        </div>
        {text("Database", "database", "vetted")}
        {text("User", "user", "your login")}
        <label className="field">
          <span className="field-label">Password</span>
          <input
            ref={passwordField}
            className="input"
            type="password"
            data-testid="team-server-password"
            autoComplete="off"
            placeholder={remembered === null ? "" : "kept in the OS keyring; type to replace"}
            value={password}
            onChange={(event) => {
              setPassword(event.target.value);
              setError(null);
            }}
          />
        </label>
        <label className="field">
          <span className="field-label">Security</span>
          <OptionSelect testId="team-server-tls" value={address.tls} options={TLS_MODES} onChange={(tls) => change({ tls, ca_file: tls === "disable" ? null : address.ca_file })} />
        </label>
        {address.tls !== "disable" && (
          <div className="field">
            <span className="field-label">CA certificate</span>
            <div className="field-row">
              <span className="input input-readonly" data-testid="team-server-ca" title={address.ca_file ?? undefined}>
                {address.ca_file ?? "The system's trusted roots"}
              </span>
              <button type="button" className="button button-small" data-testid="team-server-choose-ca" disabled={busy} onClick={chooseCa}>
                Choose…
              </button>
              {address.ca_file !== null && (
                <button type="button" className="button button-small" disabled={busy} onClick={() => change({ ca_file: null })}>
                  Use system roots
                </button>
              )}
            </div>
          </div>
        )}
        {error !== null && (
          <p className="dialog-error" role="alert" data-testid="team-server-error">
            <SafeText text={error} />
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" disabled={busy} onClick={onCancel}>
            Cancel <Kbd>Esc</Kbd>
          </button>
          <button type="submit" className="button button-primary" disabled={busy || !ready} data-testid="team-server-connect">
            {busy ? "Signing in…" : "Sign in"} <Kbd>Enter</Kbd>
          </button>
        </div>
      </form>
    </Dialog>
  );
}
