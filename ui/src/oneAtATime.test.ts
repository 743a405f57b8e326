import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { oneAtATime } from "./oneAtATime";

/** A task whose runs are counted and finished by hand. */
function controlled() {
  const finishes: (() => void)[] = [];
  const task = vi.fn(() => new Promise<void>((resolve) => finishes.push(resolve)));
  const finish = async () => {
    finishes.shift()?.();
    await Promise.resolve();
    await Promise.resolve();
  };
  return { task, finish };
}

describe("oneAtATime", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs one request at a time and serves asks made meanwhile with one more run", async () => {
    const { task, finish } = controlled();
    const request = oneAtATime(task);
    request();
    request();
    request();
    expect(task, "asks during a run wait for it").toHaveBeenCalledTimes(1);
    await finish();
    expect(task, "the asks made meanwhile give one more run, not three").toHaveBeenCalledTimes(2);
    await finish();
    expect(task, "nothing more was asked").toHaveBeenCalledTimes(2);
  });

  it("keeps runs apart by the gap, and a failed run does not stop the next", async () => {
    const failing = vi.fn(() => Promise.reject(new Error("server gone")));
    const request = oneAtATime(failing, 2000);
    request();
    await Promise.resolve();
    await Promise.resolve();
    request();
    expect(failing, "too soon after the last start").toHaveBeenCalledTimes(1);
    request();
    vi.advanceTimersByTime(1999);
    expect(failing).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(failing, "once the gap has passed, one run serves both asks").toHaveBeenCalledTimes(2);
  });
});
