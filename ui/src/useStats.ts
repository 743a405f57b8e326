import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "./api";
import type { CallError } from "./api";
import type { Stats } from "./bindings/Stats";
import { oneAtATime } from "./oneAtATime";

export interface StatsState {
  stats: Stats | null;
  error: CallError | null;
  /** A request is in flight (the last figures stay shown meanwhile). */
  loading: boolean;
  retry: () => void;
}

/** At most one request for the figures per this long: on a busy team server each one reads the server. */
export const STATS_REFRESH_MS = 2000;

/**
 * The dashboard's figures: fetched on mount and again whenever `revision` changes (App bumps it
 * after each decision, undo, redo or import, and for others' work on a team server). No polling.
 * The previous figures stay on screen while the next ones load; one request runs at a time,
 * at most one per STATS_REFRESH_MS, and the latest change is always fetched (see oneAtATime).
 */
export function useStats(revision: number): StatsState {
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);
  // A run queued or delayed past the dashboard's closing asks nothing of the server.
  const shown = useRef(false);
  useEffect(() => {
    shown.current = true;
    return () => {
      shown.current = false;
    };
  }, []);
  const [fetchStats] = useState(() =>
    oneAtATime(() => {
      if (!shown.current) return Promise.resolve();
      setLoading(true);
      return api.stats().then(
        (fresh) => {
          setStats(fresh);
          setError(null);
          setLoading(false);
        },
        (thrown: unknown) => {
          setError(api.toCallError(thrown));
          setLoading(false);
        },
      );
    }, STATS_REFRESH_MS),
  );

  useEffect(() => {
    // Shown at once (Retry included), even when the request waits for the gap.
    setLoading(true);
    fetchStats();
  }, [revision, attempt, fetchStats]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { stats, error, loading, retry };
}
