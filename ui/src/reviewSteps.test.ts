import { describe, expect, it } from "vitest";
import { loaded, testItem } from "./reviewFixtures";
import type { AppError } from "./bindings/AppError";
import type { Decision } from "./bindings/Decision";
import type { DecisionDraft } from "./bindings/DecisionDraft";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { QueueEntry } from "./bindings/QueueEntry";
import type { StatusCounts } from "./bindings/StatusCounts";
import { BROWSE } from "./mode";
import { emptyQueue, mergePage, type QueueState, type StatusFilter } from "./queue";
import { INITIAL_SESSION, decisionDraft, type SessionState } from "./reviewSession";
import { BUSY_AFTER_MS, reviewSteps, type ReviewPort } from "./reviewSteps";
import type { ToastMessage } from "./useToast";

/** An error as the shell rejects with it. */
const failure = (code: ErrorCode, message: string): AppError => ({ code, message });

const COUNTS: StatusCounts = { pending: 2, approved: 1, edited: 0, rejected: 0, needs_sme: 0, conflict: 0 };

function queueOf(filter: StatusFilter, ids: string[], selected: string): QueueState {
  const entries: QueueEntry[] = ids.map((external_id, i) => ({ id: i + 1, external_id, kind: "answer", domain: "test", model: "m", title: external_id, status: "pending", verdict: null }));
  return { ...mergePage(emptyQueue(filter), { entries, next_after: null }), selectedId: selected };
}

/** What the shell records for a draft: the session reviewer's decision. */
function recorded(input: DecisionDraft, action = input.action): Decision {
  return { ...input, reviewer: "dana", action, decided_at: "2025-01-02T00:00:00Z", reverts: null, edit_distance: null };
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every settled promise run its callbacks. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * A port whose core answers at once (unless overridden) and whose screen is plain state; every
 * call is logged in order ("show" with the state fields it changed), so a test reads what
 * happened when.
 */
function fakeScreen(overrides: Partial<ReviewPort> = {}, queue = queueOf("pending", ["item-1", "item-2", "item-3"], "item-1")) {
  const log: string[] = [];
  const toasts: ToastMessage[] = [];
  const timers: { ms: number; run: () => void; cancelled: boolean }[] = [];
  /** Work waiting for the next paint; `paint()` runs it, as the frame that shows the changes would. */
  const afterPaint: (() => void)[] = [];
  const paint = () => {
    log.push("painted");
    for (const run of afterPaint.splice(0)) run();
  };
  const screen = { state: { ...INITIAL_SESSION, current: loaded("item-1") } as SessionState, queue, log, toasts, timers, paint };
  const port: ReviewPort = {
    decide: async (input) => (log.push(`decide ${input.item}`), recorded(input)),
    adjudicate: async (input) => (log.push(`adjudicate ${input.item}`), recorded(input)),
    undo: async () => (log.push("undo"), { event: recorded(decisionDraft("revert-1", testItem("item-7"), "approve"), "revert"), rule: null, decisions: 1 }),
    redo: async () => (log.push("redo"), null),
    chooseReviewer: async (name, role) => (log.push(`choose ${name}`), { reviewer: name, role, needs_profile: false, db_path: "/tmp/v.db", team_server: false, adds_items: true }),
    counts: async () => (log.push("counts"), COUNTS),
    newDecisionId: () => "revert-id",
    loadItem: async (id) => (log.push(`load ${id}`), loaded(id)),
    peekItem: () => undefined,
    forgetItem: (id) => log.push(`forget ${id}`),
    clearItems: () => log.push("clear items"),
    queue: () => screen.queue,
    apply: (change) => {
      const before = screen.state;
      screen.state = change(screen.state);
      const changed = (Object.keys(before) as (keyof SessionState)[]).filter((key) => screen.state[key] !== before[key]);
      if (changed.length > 0) log.push(`show ${changed.join(",")}`);
    },
    updateQueue: (change) => {
      screen.queue = change(screen.queue);
      log.push("move queue");
    },
    reloadQueue: (id) => log.push(`reload queue at ${id}`),
    toast: (message) => {
      toasts.push(message);
      log.push(`toast ${message.text}`);
    },
    dismissToast: () => log.push("dismiss toast"),
    bumpStats: () => log.push("stats"),
    after: (ms, run) => {
      const timer = { ms, run, cancelled: false };
      timers.push(timer);
      return () => void (timer.cancelled = true);
    },
    afterPaint: (run) => void afterPaint.push(run),
    ...overrides,
  };
  return { screen, steps: reviewSteps(port) };
}

const approval = (id = "item-1") => decisionDraft("decision-1", testItem(id), "approve");

describe("decide", () => {
  it("waits for the decision to be recorded before anything changes on screen", async () => {
    const answer = deferred<Decision>();
    const { screen, steps } = fakeScreen({ decide: (input) => (screen.log.push(`decide ${input.item}`), answer.promise) });
    const done = steps.decide(testItem("item-1"), approval());
    await settle();
    expect(screen.log, "only the decision is under way: no render, no next item, no counts").toEqual(["decide item-1"]);
    expect(steps.pending(), "keys wait meanwhile").toBe(true);
    answer.resolve(recorded(approval()));
    await done;
    expect(screen.log, "then the next item loads; list, item and toast change in one block, without the counts").toEqual([
      "decide item-1",
      "forget item-1",
      "load item-2",
      "stats",
      "move queue",
      "show current",
      "toast Approved item-1",
    ]);
    expect(screen.state.current?.item.external_id, "the next item is shown").toBe("item-2");
    expect(screen.queue.selectedId, "the selection moved with it").toBe("item-2");
    expect(screen.queue.entries.map((e) => e.external_id), "the decided item left the Pending list").toEqual(["item-2", "item-3"]);
    expect(steps.pending()).toBe(false);
    screen.paint();
    await settle();
    expect(screen.log.slice(-3), "the counts are requested once the next item is painted, and shown when they arrive").toEqual(["painted", "counts", "show counts"]);
    expect(screen.state.counts, "the counts arrive afterwards").toBe(COUNTS);
  });

  it("shows the busy bar only when the answer takes longer than the threshold", async () => {
    const answer = deferred<Decision>();
    const { screen, steps } = fakeScreen({ decide: () => answer.promise });
    const done = steps.decide(testItem("item-1"), approval());
    const [timer] = screen.timers;
    expect(timer?.ms).toBe(BUSY_AFTER_MS);
    timer?.run();
    expect(screen.state.busy, "a slow decision shows the bar as busy").toBe(true);
    answer.resolve(recorded(approval()));
    await done;
    expect(screen.state.busy, "and clears it at the end").toBe(false);
    expect(timer?.cancelled, "the timer is cancelled in any case").toBe(true);
  });

  it("adjudicates in the Conflicts tab", async () => {
    const { screen, steps } = fakeScreen({}, queueOf("conflict", ["item-1", "item-2"], "item-1"));
    await steps.decide(testItem("item-1"), approval());
    expect(screen.log[0], "the adjudicator's decision is final").toBe("adjudicate item-1");
  });

  it("reloads a conflicting item and says so, without moving the queue", async () => {
    const { screen, steps } = fakeScreen({
      decide: async () => Promise.reject(failure("conflict", "version 3 is stale")),
      loadItem: async (id) => (screen.log.push(`load ${id}`), loaded(id, "approved")),
    });
    screen.state = { ...screen.state, mode: { kind: "reject", reasonIndex: 1, note: "" } };
    await steps.decide(testItem("item-1"), approval());
    expect(screen.log).toEqual(["forget item-1", "counts", "load item-1", "show counts,current,mode", "toast item-1 changed since you loaded it. It has been reloaded: decide again."]);
    expect(screen.toasts[0]?.tone).toBe("error");
    expect(screen.state.current?.item.status, "the item as stored now").toBe("approved");
    expect(screen.state.mode, "the dialog closes: the reviewer decides again").toBe(BROWSE);
    expect(screen.queue.selectedId, "the queue stays on the item").toBe("item-1");
  });

  it("keeps the dialog open after another error and retries with the same decision id", async () => {
    const sent: DecisionDraft[] = [];
    let fail = true;
    const { screen, steps } = fakeScreen({
      decide: async (input) => {
        sent.push(input);
        if (fail) throw failure("io", "database is locked");
        return recorded(input);
      },
    });
    const sme = decisionDraft("decision-9", testItem("item-1"), "needs_sme", { note: "why?" });
    screen.state = { ...screen.state, mode: { kind: "sme", question: "why?" } };
    await steps.decide(testItem("item-1"), sme);
    const toast = screen.toasts[0];
    expect([toast?.tone, toast?.text, toast?.action?.label]).toEqual(["error", "database is locked", "Retry"]);
    expect(screen.state.mode.kind, "the dialog stays open with its text").toBe("sme");
    expect(screen.queue.selectedId, "the queue did not move").toBe("item-1");
    fail = false;
    toast?.action?.run();
    await settle();
    expect(sent.map((input) => input.id), "Retry resends the same id, so it is recorded at most once").toEqual(["decision-9", "decision-9"]);
    screen.paint();
    await settle();
    expect(screen.log.slice(-4), "the retried decision went through").toEqual(["toast Sent to an SME: item-1", "painted", "counts", "show counts"]);
  });

  it("drops a second decision while one is in flight", async () => {
    const answer = deferred<Decision>();
    let calls = 0;
    const { steps } = fakeScreen({ decide: () => (calls++, answer.promise) });
    const first = steps.decide(testItem("item-1"), approval());
    await steps.decide(testItem("item-1"), approval());
    answer.resolve(recorded(approval()));
    await first;
    expect(calls, "a held key or a double click records one decision").toBe(1);
  });

  it("still advances the queue when the next item fails to load", async () => {
    const { screen, steps } = fakeScreen({ loadItem: () => Promise.reject(failure("io", "gone")) });
    await steps.decide(testItem("item-1"), approval());
    expect(screen.state.itemError?.message, "the error panel shows for the next item").toBe("gone");
    expect(screen.queue.selectedId).toBe("item-2");
    expect(screen.toasts[0]?.text, "the decision was recorded all the same").toBe("Approved item-1");
  });

  it("shows nothing after the last item of the list", async () => {
    const { screen, steps } = fakeScreen({}, queueOf("pending", ["item-1"], "item-1"));
    await steps.decide(testItem("item-1"), approval());
    expect(screen.log, "no item to load").not.toContain("load item-2");
    expect(screen.state.current).toBeNull();
  });
});

describe("revert", () => {
  it("says when there is nothing to undo or redo", async () => {
    const { screen, steps } = fakeScreen({ undo: async () => null });
    await steps.revert("undo");
    await steps.revert("redo");
    expect(screen.toasts.map((t) => [t.tone, t.text])).toEqual([
      ["info", "Nothing of yours to undo."],
      ["info", "Nothing to redo."],
    ]);
    expect(screen.state.busy).toBe(false);
  });

  it("shows the item it touched, recounted, and reloads the list there", async () => {
    const { screen, steps } = fakeScreen();
    const done = steps.revert("undo");
    expect(screen.state.busy, "a revert shows the bar as busy at once").toBe(true);
    expect(screen.log, "and dismisses the last toast").toEqual(["show busy", "dismiss toast", "undo"]);
    await done;
    expect(screen.log.slice(3)).toEqual(["stats", "forget item-7", "counts", "load item-7", "show counts,current", "reload queue at item-7", "toast Undid the decision on item-7: it is pending now", "show busy"]);
    expect(screen.state.current?.item.external_id).toBe("item-7");
    expect(screen.state.busy).toBe(false);
  });

  it("takes a bulk approval back as one step, dropping every cached item", async () => {
    const bulk = { event: recorded(decisionDraft("revert-1", testItem("item-7"), "approve"), "revert"), rule: "containment>=100%, target-key", decisions: 4 };
    const { screen, steps } = fakeScreen({ undo: async () => (screen.log.push("undo"), bulk) });
    await steps.revert("undo");
    expect(screen.log, "any of the four items may be cached: all are dropped").toContain("clear items");
    expect(screen.log).not.toContain("forget item-7");
    expect(screen.toasts.map((t) => t.text)).toEqual(["Undid the approval of 4 candidates by the rule containment>=100%, target-key"]);
  });

  it("reports a failure", async () => {
    const { screen, steps } = fakeScreen({ redo: () => Promise.reject(failure("io", "locked")) });
    await steps.revert("redo");
    expect(screen.toasts.map((t) => [t.tone, t.text])).toEqual([["error", "locked"]]);
    expect(steps.pending()).toBe(false);
  });
});

describe("move", () => {
  it("shows a prefetched item together with the moved selection", () => {
    const { screen, steps } = fakeScreen({ peekItem: (id) => (id === "item-2" ? loaded("item-2") : undefined) });
    steps.move(1);
    expect(screen.log, "both in the keypress's own batch, without a round trip").toEqual(["move queue", "show current"]);
    expect(screen.state.current?.item.external_id).toBe("item-2");
  });

  it("only moves the selection when the target is not loaded yet", () => {
    const { screen, steps } = fakeScreen();
    steps.move(1);
    expect(screen.log, "the selected item loads afterwards").toEqual(["move queue"]);
    expect(screen.state.current?.item.external_id).toBe("item-1");
    expect(screen.queue.selectedId).toBe("item-2");
  });
});

describe("switchReviewer", () => {
  it("starts the new reviewer from scratch and says who reviews", async () => {
    const { screen, steps } = fakeScreen();
    screen.state = { ...screen.state, mode: { kind: "reviewer" } };
    await steps.switchReviewer("lee", "sme");
    expect(screen.log).toEqual(["choose lee", "clear items", "show session,current,mode", "counts", "toast Reviewing as lee (sme)", "show counts"]);
    expect([screen.state.session?.reviewer, screen.state.current, screen.state.mode]).toEqual(["lee", null, BROWSE]);
  });

  it("reports a refusal and keeps the dialog", async () => {
    const { screen, steps } = fakeScreen({ chooseReviewer: () => Promise.reject(failure("bad_request", "name taken")) });
    screen.state = { ...screen.state, mode: { kind: "reviewer" } };
    await steps.switchReviewer("lee", "sme");
    expect(screen.toasts.map((t) => t.text)).toEqual(["name taken"]);
    expect(screen.state.mode.kind).toBe("reviewer");
  });
});
