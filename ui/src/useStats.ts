import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "./api";
import type { CallError } from "./api";
import type { Stats } from "./bindings/Stats";
import { latestOnly } from "./latestOnly";

export interface StatsState {
  stats: Stats | null;
  error: CallError | null;
  /** A request is in flight (the last figures stay shown meanwhile). */
  loading: boolean;
  retry: () => void;
}

/**
 * The dashboard's figures: fetched on mount and again whenever `revision` changes (App bumps it
 * after each decision, undo, redo or import). No polling. The previous figures stay on screen
 * while the next ones load, and a slower, older answer never replaces a newer one.
 */
export function useStats(revision: number): StatsState {
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);
  const requests = useRef(latestOnly());

  useEffect(() => {
    const isLatest = requests.current.begin();
    setLoading(true);
    api.stats().then(
      (fresh) => {
        if (!isLatest()) return;
        setStats(fresh);
        setError(null);
        setLoading(false);
      },
      (thrown: unknown) => {
        if (!isLatest()) return;
        setError(api.toCallError(thrown));
        setLoading(false);
      },
    );
  }, [revision, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { stats, error, loading, retry };
}
