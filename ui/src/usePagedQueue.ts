// Holds the queue list and fetches it page by page (keyset `after`), one request at a time.
import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "./api";
import type { AppError } from "./bindings/AppError";
import { emptyQueue, mergePage, type QueueState, type StatusFilter } from "./queue";

const PAGE_SIZE = 100;

export interface PagedQueue {
  queue: QueueState;
  /** Latest state, for async code that must not read a stale closure. */
  queueRef: { readonly current: QueueState };
  update: (change: (state: QueueState) => QueueState) => void;
  showFilter: (filter: StatusFilter) => void;
  loadNextPage: () => void;
  loading: boolean;
  error: AppError | null;
  /** Clears a page-load error so loading resumes. */
  retry: () => void;
}

export function usePagedQueue(initialFilter: StatusFilter): PagedQueue {
  const [queue, setQueue] = useState(() => emptyQueue(initialFilter));
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const queueRef = useRef(queue);
  const inFlight = useRef(false);
  // Bumped on every filter change so a page requested for the old tab is dropped.
  const generation = useRef(0);

  const update = useCallback((change: (state: QueueState) => QueueState) => {
    setQueue((state) => {
      const next = change(state);
      queueRef.current = next;
      return next;
    });
  }, []);

  const loadNextPage = useCallback(() => {
    const state = queueRef.current;
    if (inFlight.current || !state.hasMore) return;
    inFlight.current = true;
    setLoading(true);
    const requested = generation.current;
    api
      .queuePage({ status: state.filter }, state.after, PAGE_SIZE)
      .then(
        (page) => {
          if (requested === generation.current) update((current) => mergePage(current, page));
        },
        (thrown: unknown) => {
          if (requested === generation.current) setError(api.toAppError(thrown));
        },
      )
      .finally(() => {
        inFlight.current = false;
        setLoading(false);
      });
  }, [update]);

  const showFilter = useCallback(
    (filter: StatusFilter) => {
      generation.current += 1;
      setError(null);
      update(() => emptyQueue(filter));
    },
    [update],
  );

  // The first page of each tab loads by itself; later pages load when the list asks for them.
  useEffect(() => {
    if (queue.entries.length === 0 && queue.hasMore && !loading && error === null) loadNextPage();
  }, [queue, loading, error, loadNextPage]);

  const retry = useCallback(() => {
    setError(null);
    loadNextPage();
  }, [loadNextPage]);

  return { queue, queueRef, update, showFilter, loadNextPage, loading, error, retry };
}
