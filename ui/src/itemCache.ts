// Items loaded ahead of the selection: while the reviewer reads one item, the next is fetched,
// so `j` or a decision shows it in the same frame as the keypress instead of after a round trip.
//
// Invariants: an entry is served for at most `ttlMs` after its load started (a prefetched item is
// never older than that when shown, and a decision on it is still checked against its version by
// the core); a failed load is not kept; at most `capacity` entries are held (least recently used
// first out). Whoever changes an item here forgets it (`forget`), and data changed behind the app
// (an import, a merge, an LLM run) clears everything (`clear`).

export interface ItemCache<T> {
  /** The loaded value for `id`, if its load finished within the TTL; never starts a load. */
  peek: (id: string) => T | undefined;
  /** The cached load of `id` (finished or in flight, within the TTL), or a new one. */
  load: (id: string) => Promise<T>;
  /** Starts loading `id` in the background unless it is cached; a failure is dropped silently. */
  prefetch: (id: string) => void;
  forget: (id: string) => void;
  clear: () => void;
}

interface Entry<T> {
  promise: Promise<T>;
  value: T | undefined;
  startedAt: number;
}

export interface ItemCacheOptions {
  capacity: number;
  ttlMs: number;
  /** Milliseconds on a monotonic clock (tests pass a fake one). */
  now?: () => number;
}

export function itemCache<T>(fetch: (id: string) => Promise<T>, { capacity, ttlMs, now = () => performance.now() }: ItemCacheOptions): ItemCache<T> {
  const entries = new Map<string, Entry<T>>();

  /** The live entry for `id`, marked most recently used; expired entries are dropped. */
  const fresh = (id: string): Entry<T> | undefined => {
    const entry = entries.get(id);
    if (entry === undefined) return undefined;
    entries.delete(id);
    if (now() - entry.startedAt > ttlMs) return undefined;
    entries.set(id, entry);
    return entry;
  };

  const load = (id: string): Promise<T> => {
    const cached = fresh(id);
    if (cached !== undefined) return cached.promise;
    const entry: Entry<T> = { promise: Promise.resolve(undefined as T), value: undefined, startedAt: now() };
    entry.promise = fetch(id).then(
      (value) => {
        entry.value = value;
        return value;
      },
      (error: unknown) => {
        if (entries.get(id) === entry) entries.delete(id);
        throw error;
      },
    );
    entries.set(id, entry);
    for (const oldest of entries.keys()) {
      if (entries.size <= capacity) break;
      entries.delete(oldest);
    }
    return entry.promise;
  };

  return {
    peek: (id) => fresh(id)?.value,
    load,
    prefetch: (id) => void load(id).catch(() => undefined),
    forget: (id) => void entries.delete(id),
    clear: () => entries.clear(),
  };
}
