// Holds the queue list and fetches it page by page (keyset `after`), one request at a time.
// The status tab and the filter-bar criteria together form the QueueFilter sent to the core.
import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "./api";
import type { CallError } from "./api";
import type { QueueFilter } from "./bindings/QueueFilter";
import { emptyQueue, mergePage, tabScope, type QueueState, type StatusFilter } from "./queue";

const PAGE_SIZE = 100;

/** Everything the filter bar sets: the queue filter without the status tab. */
/** The tab sets status, review and awaiting (see `tabScope`). */
export type Criteria = Omit<QueueFilter, "status" | "review" | "awaiting">;

export const NO_CRITERIA: Criteria = { kind: null, domain: null, model: null, verdict: null, reviewer: null, tag: null, sort: "oldest" };

export interface PagedQueue {
  queue: QueueState;
  /** Latest state, for async code that must not read a stale closure. */
  queueRef: { readonly current: QueueState };
  criteria: Criteria;
  update: (change: (state: QueueState) => QueueState) => void;
  showFilter: (filter: StatusFilter) => void;
  showCriteria: (criteria: Criteria) => void;
  /** Another tab and other criteria at once (one reload). */
  showList: (filter: StatusFilter, criteria: Criteria) => void;
  /** Reloads the list from its first page, selecting `externalId` (shown even if not yet loaded). */
  reload: (externalId: string | null) => void;
  loadNextPage: () => void;
  loading: boolean;
  error: CallError | null;
  /** Clears a page-load error so loading resumes. */
  retry: () => void;
}

/**
 * The queue list of the tab and criteria shown, for `reviewer` (null until the session is known:
 * nothing loads before, since Pending depends on who is reviewing).
 */
export function usePagedQueue(initialFilter: StatusFilter, reviewer: string | null): PagedQueue {
  const [queue, setQueue] = useState(() => emptyQueue(initialFilter));
  const [criteria, setCriteria] = useState(NO_CRITERIA);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<CallError | null>(null);
  const queueRef = useRef(queue);
  const criteriaRef = useRef(criteria);
  const reviewerRef = useRef(reviewer);
  const inFlight = useRef(false);
  // Bumped on every filter change so a page requested for the old list is dropped.
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
    if (inFlight.current || !state.hasMore || reviewerRef.current === null) return;
    inFlight.current = true;
    setLoading(true);
    const requested = generation.current;
    api
      .queuePage({ ...criteriaRef.current, ...tabScope(state.filter, reviewerRef.current) }, state.after, PAGE_SIZE)
      .then(
        (page) => {
          if (requested === generation.current) update((current) => mergePage(current, page));
        },
        (thrown: unknown) => {
          if (requested === generation.current) setError(api.toCallError(thrown));
        },
      )
      .finally(() => {
        inFlight.current = false;
        setLoading(false);
      });
  }, [update]);

  const restart = useCallback(
    (filter: StatusFilter, selectedId: string | null) => {
      generation.current += 1;
      setError(null);
      update(() => ({ ...emptyQueue(filter), selectedId }));
    },
    [update],
  );

  const showFilter = useCallback((filter: StatusFilter) => restart(filter, null), [restart]);

  const showList = useCallback(
    (filter: StatusFilter, next: Criteria) => {
      criteriaRef.current = next;
      setCriteria(next);
      restart(filter, null);
    },
    [restart],
  );

  const showCriteria = useCallback((next: Criteria) => showList(queueRef.current.filter, next), [showList]);

  const reload = useCallback((externalId: string | null) => restart(queueRef.current.filter, externalId), [restart]);

  // A reviewer switch shows their list from the start.
  useEffect(() => {
    if (reviewerRef.current === reviewer) return;
    reviewerRef.current = reviewer;
    restart(queueRef.current.filter, null);
  }, [reviewer, restart]);

  // The first page of each list loads by itself; later pages load when the list asks for them.
  useEffect(() => {
    if (reviewer !== null && queue.entries.length === 0 && queue.hasMore && !loading && error === null) loadNextPage();
  }, [reviewer, queue, loading, error, loadNextPage]);

  const retry = useCallback(() => {
    setError(null);
    loadNextPage();
  }, [loadNextPage]);

  return { queue, queueRef, criteria, update, showFilter, showCriteria, showList, reload, loadNextPage, loading, error, retry };
}
