import { describe, expect, it } from "vitest";
import { itemCache } from "./itemCache";

/** A fetch that counts its calls and answers `${id}@${call}`, or fails for ids starting with "bad". */
function countingFetch() {
  const calls: string[] = [];
  const fetch = (id: string) => {
    calls.push(id);
    return id.startsWith("bad") ? Promise.reject(new Error(`no ${id}`)) : Promise.resolve(`${id}@${calls.length}`);
  };
  return { calls, fetch };
}

describe("itemCache", () => {
  it("serves a prefetched item synchronously without loading it again", async () => {
    const { calls, fetch } = countingFetch();
    const cache = itemCache(fetch, { capacity: 4, ttlMs: 1000, now: () => 0 });
    expect(cache.peek("a"), "nothing is loaded before it is asked for").toBeUndefined();
    cache.prefetch("a");
    expect(cache.peek("a"), "an in-flight load has no value yet").toBeUndefined();
    await cache.load("a");
    expect(cache.peek("a"), "the finished load is served at once").toBe("a@1");
    expect(await cache.load("a"), "a second load reuses the first").toBe("a@1");
    expect(calls, "one fetch for all of it").toEqual(["a"]);
  });

  it("loads again after the TTL, after forget and after clear", async () => {
    const { calls, fetch } = countingFetch();
    let clock = 0;
    const cache = itemCache(fetch, { capacity: 4, ttlMs: 1000, now: () => clock });
    await cache.load("a");
    clock = 1001;
    expect(cache.peek("a"), "an item older than the TTL is not served").toBeUndefined();
    expect(await cache.load("a"), "it is fetched again").toBe("a@2");
    cache.forget("a");
    expect(await cache.load("a"), "a forgotten item is fetched again").toBe("a@3");
    await cache.load("b");
    cache.clear();
    expect(cache.peek("a") ?? cache.peek("b"), "clear drops every item").toBeUndefined();
    expect(calls).toEqual(["a", "a", "a", "b"]);
  });

  it("keeps no failed load, so the next attempt fetches again", async () => {
    const { calls, fetch } = countingFetch();
    const cache = itemCache(fetch, { capacity: 4, ttlMs: 1000, now: () => 0 });
    cache.prefetch("bad-1");
    await expect(cache.load("bad-1"), "the caller of a failed load sees the error").rejects.toThrow("no bad-1");
    await expect(cache.load("bad-1")).rejects.toThrow("no bad-1");
    expect(calls, "the failure was not cached").toEqual(["bad-1", "bad-1"]);
  });

  it("holds at most `capacity` items, dropping the least recently used", async () => {
    const { calls, fetch } = countingFetch();
    const cache = itemCache(fetch, { capacity: 2, ttlMs: 1000, now: () => 0 });
    await cache.load("a");
    await cache.load("b");
    expect(cache.peek("a"), "using a makes b the least recently used").toBe("a@1");
    await cache.load("c");
    expect(cache.peek("b"), "b was dropped for c").toBeUndefined();
    expect(cache.peek("a"), "a was kept").toBe("a@1");
    expect(calls).toEqual(["a", "b", "c"]);
  });
});
