import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "../api";
import type { ProviderConfig } from "../bindings/ProviderConfig";
import type { ProvidersView } from "../bindings/ProvidersView";
import { hasKey, keySourceLabel } from "../llmRun";
import { Kbd } from "./Badges";
import { SafeText } from "./SafeText";
import { Dialog } from "./Dialog";

const NEW_PROVIDER = { name: "", base_url: "", model: "", api_key_env: "OPENAI_API_KEY" };

/**
 * The OpenAI-compatible providers of the settings file, and their API keys. A key typed here goes
 * straight to the OS keyring through the core; the webview never gets one back — it only learns
 * where each provider's key comes from. Esc closes.
 */
export function ProvidersDialog({ onClose }: { onClose: () => void }) {
  const [view, setView] = useState<ProvidersView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [form, setForm] = useState(NEW_PROVIDER);
  const [keyFor, setKeyFor] = useState<string | null>(null);
  const [key, setKey] = useState("");
  const first = useRef<HTMLInputElement>(null);
  const keyInput = useRef<HTMLInputElement>(null);

  const reload = useCallback(() => {
    api.llmProviders().then(setView, (thrown: unknown) => setProblem(api.toCallError(thrown).message));
  }, []);
  useEffect(() => {
    reload();
    first.current?.focus();
  }, [reload]);
  useEffect(() => {
    if (keyFor !== null) keyInput.current?.focus();
  }, [keyFor]);

  /** Runs a change, then shows the providers as the core now sees them (or what went wrong). */
  const change = (work: Promise<unknown>, after?: () => void) => {
    setProblem(null);
    work.then(
      () => {
        after?.();
        reload();
      },
      (thrown: unknown) => setProblem(api.toCallError(thrown).message),
    );
  };

  const saveProvider = () => {
    const { name, ...rest } = form;
    const config: ProviderConfig = { base_url: rest.base_url.trim(), model: rest.model.trim(), api_key_env: rest.api_key_env.trim() };
    change(api.saveProvider(name.trim(), config), () => setForm(NEW_PROVIDER));
  };

  const storeKey = () => {
    if (keyFor === null || key.trim() === "") return;
    // The field is cleared whatever happens: the key must not linger in the page.
    const name = keyFor;
    const typed = key;
    setKey("");
    change(api.setProviderKey(name, typed), () => setKeyFor(null));
  };

  const canSave = form.name.trim() !== "" && form.base_url.trim() !== "" && form.model.trim() !== "";
  return (
    <Dialog titleId="providers-title" title="LLM providers" testId="providers-dialog" className="dialog-providers" onDismiss={onClose}>
      <p className="dialog-hint">
        Any OpenAI-compatible server: OpenAI, vLLM, Ollama (<span className="mono">/v1</span>), llama.cpp. Kept in{" "}
        <span className="mono">{view?.settings_file ?? "…"}</span>. API keys go to the OS keyring only — never to the database, logs or exports — and
        are not shown again. A provider’s environment variable, when set, wins over the keyring.
      </p>
      {view !== null && view.providers.length === 0 && <p className="dialog-hint">No providers yet: add one below.</p>}
      {view !== null && view.providers.length > 0 && (
        <table className="providers-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Model</th>
              <th>Base URL</th>
              <th>API key</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {view.providers.map((p) => (
              <tr key={p.name} data-testid={`provider-row-${p.name}`}>
                <td className="mono">
                  <SafeText text={p.name} />
                </td>
                <td className="mono">
                  <SafeText text={p.config.model} />
                </td>
                <td className="mono">
                  <SafeText text={p.config.base_url} />
                </td>
                <td data-testid={`provider-key-${p.name}`} data-key={p.key.kind}>
                  {keySourceLabel(p.key)}
                </td>
                <td className="providers-actions">
                  <button type="button" className="button button-small" onClick={() => setForm({ name: p.name, ...p.config })}>
                    Edit
                  </button>
                  <button type="button" className="button button-small" data-testid={`provider-set-key-${p.name}`} onClick={() => setKeyFor(p.name)}>
                    {hasKey(p.key) ? "Replace key…" : "Set key…"}
                  </button>
                  {p.key.kind === "keyring" && (
                    <button type="button" className="button button-small" onClick={() => change(api.forgetProviderKey(p.name))}>
                      Forget key
                    </button>
                  )}
                  <button type="button" className="button button-small" data-testid={`provider-remove-${p.name}`} onClick={() => change(api.removeProvider(p.name))}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {keyFor !== null && (
        <form
          className="provider-key-form"
          onSubmit={(event) => {
            event.preventDefault();
            storeKey();
          }}
        >
          <label className="field">
            <span className="field-label">
              API key for <span className="mono">{keyFor}</span> (stored in the OS keyring)
            </span>
            <input
              ref={keyInput}
              className="input"
              type="password"
              autoComplete="off"
              spellCheck={false}
              data-testid="provider-key-input"
              value={key}
              onChange={(event) => setKey(event.target.value)}
            />
          </label>
          <div className="dialog-actions">
            <button
              type="button"
              className="button"
              onClick={() => {
                setKey("");
                setKeyFor(null);
              }}
            >
              Cancel
            </button>
            <button type="submit" className="button button-primary" data-testid="provider-key-store" disabled={key.trim() === ""}>
              Store in keyring <Kbd>Enter</Kbd>
            </button>
          </div>
        </form>
      )}
      <form
        className="provider-form"
        aria-label="Add or change a provider"
        onSubmit={(event) => {
          event.preventDefault();
          if (canSave) saveProvider();
        }}
      >
        <label className="field">
          <span className="field-label">Name</span>
          <input ref={first} className="input" data-testid="provider-name" value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} />
        </label>
        <label className="field">
          <span className="field-label">Base URL</span>
          <input
            className="input"
            placeholder="https://api.openai.com/v1"
            data-testid="provider-base-url"
            value={form.base_url}
            onChange={(event) => setForm({ ...form, base_url: event.target.value })}
          />
        </label>
        <label className="field">
          <span className="field-label">Model</span>
          <input className="input" placeholder="gpt-4o-mini" data-testid="provider-model" value={form.model} onChange={(event) => setForm({ ...form, model: event.target.value })} />
        </label>
        <label className="field">
          <span className="field-label">Key variable (checked before the keyring)</span>
          <input className="input" data-testid="provider-key-env" value={form.api_key_env} onChange={(event) => setForm({ ...form, api_key_env: event.target.value })} />
        </label>
        <div className="dialog-actions">
          <button type="submit" className="button" data-testid="provider-save" disabled={!canSave}>
            Save provider <Kbd>Enter</Kbd>
          </button>
        </div>
      </form>
      {problem !== null && (
        <p className="dialog-problem" role="alert" data-testid="providers-problem">
          <SafeText text={problem} />
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button button-primary" data-testid="providers-close" onClick={onClose}>
          Close <Kbd>Esc</Kbd>
        </button>
      </div>
    </Dialog>
  );
}
