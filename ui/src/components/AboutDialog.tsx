// About Vetted: version, the open database and its schema, where data and settings live, and
// the licenses of the bundled demo data. Esc or Close returns.
import { useEffect, useRef, useState } from "react";
import * as api from "../api";
import type { AboutInfo } from "../bindings/AboutInfo";
import { Dialog } from "./Dialog";
import { Markdown } from "./Markdown";
import { SafeText } from "./SafeText";

export function AboutDialog({ onClose }: { onClose: () => void }) {
  const [info, setInfo] = useState<AboutInfo | null>(null);
  const [error, setError] = useState<api.CallError | null>(null);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    close.current?.focus();
    api.about().then(setInfo, (thrown: unknown) => setError(api.toCallError(thrown)));
  }, []);
  return (
    <Dialog titleId="about-title" title="About Vetted" testId="about-dialog" className="dialog-about" onDismiss={onClose}>
      <div
        onKeyDown={(event) => {
          // The review keys must not act under the dialog.
          event.stopPropagation();
          if (event.key === "Escape") onClose();
        }}
      >
        {error !== null && <p role="alert">{error.message}</p>}
        {info !== null && (
          <dl className="about-facts">
            <dt>Version</dt>
            <dd data-testid="about-version">{info.version}</dd>
            <dt>Database</dt>
            <dd className="mono" data-testid="about-database">
              {info.database === null ? "none open" : <SafeText text={info.database.path} />}
            </dd>
            {info.database !== null && (
              <>
                <dt>Schema version</dt>
                <dd data-testid="about-schema">
                  {info.database.schema_version} (this build knows up to {info.database.latest_schema_version})
                </dd>
              </>
            )}
            <dt>Data folder</dt>
            <dd className="mono">
              <SafeText text={info.data_dir} />
            </dd>
            <dt>Settings folder</dt>
            <dd className="mono">
              <SafeText text={info.config_dir} />
            </dd>
          </dl>
        )}
        {info !== null && (
          <details className="about-notice">
            <summary>Bundled demo data: sources and licenses (MIT; HotpotQA text CC BY-SA 4.0)</summary>
            <Markdown text={info.bundled_data_notice} className="about-notice-text" />
          </details>
        )}
        <div className="dialog-actions">
          <button ref={close} type="button" className="button" data-testid="about-close" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </Dialog>
  );
}
