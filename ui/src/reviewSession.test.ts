import { describe, expect, it } from "vitest";
import { initialDraft } from "./edits";
import { pickOf } from "./comparisonPicks";
import { loaded, testComparison, testItem } from "./reviewFixtures";
import type { SessionInfo } from "./bindings/SessionInfo";
import { BROWSE, type ReviewMode } from "./mode";
import {
  INITIAL_SESSION,
  UNCHANGED_CANDIDATE_NOTICE,
  UNCHANGED_NOTICE,
  advanced,
  busyShown,
  conflictReloaded,
  decidable,
  decisionDraft,
  editSaved,
  isReady,
  itemPatched,
  itemRefreshed,
  itemShown,
  listChanged,
  reasonMoved,
  withMode,
  type SessionState,
} from "./reviewSession";


const SESSION: SessionInfo = { reviewer: "dana", role: "analyst", needs_profile: false, db_path: "/tmp/vetted.db", team_server: false, adds_items: true };

const showing = (id: string, extra: Partial<SessionState> = {}): SessionState => ({ ...INITIAL_SESSION, session: SESSION, current: loaded(id), ...extra });

const editMode = (answer: string, initial = "The answer"): Extract<ReviewMode, { kind: "edit" }> => ({
  kind: "edit",
  draft: { kind: "answer", answer },
  initial: { kind: "answer", answer: initial },
  notice: null,
});

describe("itemShown", () => {
  it("ends editing and clears a load error", () => {
    const state = itemShown(loaded("item-2"))(showing("item-1", { mode: editMode("x"), itemError: { code: "io", message: "m" } }));
    expect(state.current?.item.external_id, "the new item is on screen").toBe("item-2");
    expect(state.mode, "a new selection ends the edit").toBe(BROWSE);
    expect(state.itemError, "the item loaded, so its error is gone").toBeNull();
  });

  it("keeps the reviewer question and the dashboard open", () => {
    expect(itemShown(loaded("item-2"))(showing("item-1", { mode: { kind: "reviewer" } })).mode.kind, "first start still asks who reviews").toBe("reviewer");
    expect(itemShown(loaded("item-2"))(showing("item-1", { mode: { kind: "stats" } })).mode.kind, "an import behind the dashboard leaves it open").toBe("stats");
  });
});

describe("after a decision", () => {
  it("shows the next item and goes back to browsing", () => {
    const state = advanced({ loaded: loaded("item-2") })(showing("item-1", { mode: { kind: "sme", question: "why?" } }));
    expect(state.current?.item.external_id).toBe("item-2");
    expect(state.mode, "the dialog closes with the recorded decision").toBe(BROWSE);
  });

  it("shows nothing after the last item of the list", () => {
    expect(advanced({ loaded: null })(showing("item-1")).current, "the empty queue is shown instead").toBeNull();
  });

  it("keeps the decided item under the error when the next one failed to load", () => {
    const state = advanced({ error: { code: "io", message: "disk" } })(showing("item-1"));
    expect(state.itemError?.message, "the error panel offers Retry").toBe("disk");
    expect(state.current?.item.external_id, "the previous item stays underneath").toBe("item-1");
  });

  it("after a conflict, shows what could be reloaded and keeps the rest", () => {
    const counts = { pending: 1, approved: 0, edited: 0, rejected: 0, needs_sme: 0, conflict: 0 };
    const both = conflictReloaded(counts, loaded("item-1", "approved"))(showing("item-1", { mode: { kind: "reject", reasonIndex: 0, note: "" } }));
    expect(both.current?.item.status, "the item as stored now").toBe("approved");
    expect(both.counts).toBe(counts);
    expect(both.mode, "the dialog closes: the reviewer decides again").toBe(BROWSE);
    const neither = conflictReloaded(null, null)(showing("item-1", { counts }));
    expect(neither.current?.item.status, "a failed reload keeps the item shown").toBe("pending");
    expect(neither.counts, "failed counts keep the last ones").toBe(counts);
  });
});

describe("state kept as is", () => {
  it("when nothing changes, so React renders nothing", () => {
    const state = showing("item-1");
    expect(busyShown(false)(state), "the end of a fast decision").toBe(state);
    expect(withMode((mode) => mode)(state), "a mode change that does not apply").toBe(state);
    expect(itemRefreshed("item-9", loaded("item-9"))(state), "a refresh of an item no longer shown").toBe(state);
    expect(itemPatched("item-9", { tags: ["x"] })(state), "an annotation of an item no longer shown").toBe(state);
  });

  it("but a refresh or an annotation of the shown item changes it", () => {
    expect(itemRefreshed("item-1", loaded("item-1", "approved"))(showing("item-1")).current?.item.status).toBe("approved");
    expect(itemPatched("item-1", { tags: ["x"] })(showing("item-1")).current?.item.tags).toEqual(["x"]);
  });
});

describe("decidable", () => {
  it("is the item on screen once it is the selected one", () => {
    expect(decidable(showing("item-1"), "item-1")).toEqual({ item: testItem("item-1") });
    expect(decidable(showing("item-1"), "item-2"), "the selection moved on: the stale item is not decided").toBeNull();
    expect(decidable({ ...showing("item-1"), session: null }, "item-1"), "nobody is reviewing yet").toBeNull();
  });

  it("builds the decision on the item's version, naming no reviewer (the shell records the session's)", () => {
    const draft = decisionDraft("id-1", testItem("item-1"), "reject", { reason: "wrong", note: null });
    expect(draft).toEqual({ id: "id-1", item: "item-1", item_version: 3, action: "reject", edited: null, reason: "wrong", note: null, answers: {}, claims: [], pick: null });
    const checks = [{ claim: "It rains.", verdict: "unsupported" as const, spans: [] }];
    const rated = decisionDraft("id-2", testItem("item-1"), "approve", { answers: { correctness: 4 }, claims: checks });
    expect(rated.answers, "the form's answers travel with the decision, in the same call").toEqual({ correctness: 4 });
    expect(rated.claims, "and so do the claim verdicts").toEqual(checks);
    expect("reviewer" in draft, "the core refuses a draft with a reviewer").toBe(false);
  });
});

describe("a comparison's decisions", () => {
  const comparison = testComparison("cmp-1", ["Todd Phillips.", "Steven Spielberg."]);

  it("approve with the pick of the key pressed: 2 → best candidate 1 (from 0), = → a tie", () => {
    const picked = (choice: number | "tie") => {
      const outcome = pickOf(comparison, choice);
      if ("notice" in outcome) throw new Error(outcome.notice);
      return decisionDraft("id-1", comparison, "approve", { pick: outcome.pick });
    };
    expect(picked(2), "2").toMatchObject({ action: "approve", pick: { best: 1 }, edited: null });
    expect(picked("tie").pick, "=").toBe("tie");
  });

  it("carry no pick otherwise, nor do other items' decisions", () => {
    expect(decisionDraft("id-1", comparison, "reject", { reason: "wrong" }).pick, "a reject of them all").toBeNull();
    expect(decisionDraft("id-2", testItem("item-1"), "approve").pick, "an answer's approve").toBeNull();
  });

  it("record an edit with the candidate it started from", () => {
    const initial = initialDraft(comparison, 1);
    if (initial.kind !== "comparison") throw new Error("expected a comparison draft");
    const saved = editSaved({ kind: "edit", draft: { ...initial, answer: "Todd Phillips, not Spielberg. " }, initial, notice: null });
    expect(saved, "the trimmed new answer and candidate 2 (1 from 0)").toEqual({ edited: { kind: "comparison", answer: "Todd Phillips, not Spielberg.", based_on: 1 } });
    if (!("edited" in saved)) return;
    const draft = decisionDraft("id-3", comparison, "edit", saved);
    expect([draft.edited, draft.pick], "an edit names its candidate in its content, with no pick").toEqual([saved.edited, null]);
    expect(editSaved({ kind: "edit", draft: initial, initial, notice: null }), "the candidate as it is: pick it instead").toEqual({ notice: UNCHANGED_CANDIDATE_NOTICE });
  });
});

describe("editSaved", () => {
  it("records nothing unchanged, and says how to approve instead", () => {
    expect(editSaved(editMode("The answer"))).toEqual({ notice: UNCHANGED_NOTICE });
  });

  it("records a changed answer", () => {
    expect(editSaved(editMode("A better answer"))).toEqual({ edited: { kind: "answer", answer: "A better answer" } });
  });

  it("refuses an empty answer with the draft's problem", () => {
    expect(editSaved(editMode("   ")), "an empty answer is not recorded").toEqual({ notice: "The answer cannot be empty." });
  });
});

describe("other transitions", () => {
  it("a reason move stays within the reasons", () => {
    const reject: ReviewMode = { kind: "reject", reasonIndex: 0, note: "" };
    expect(reasonMoved(-1, 3)(reject)).toEqual({ ...reject, reasonIndex: 0 });
    expect(reasonMoved(1, 3)(reasonMoved(1, 3)(reasonMoved(1, 3)(reject)))).toEqual({ ...reject, reasonIndex: 2 });
    expect(reasonMoved(1, 3)(BROWSE), "outside the reject dialog nothing moves").toBe(BROWSE);
  });

  it("a new list shows nothing until it selects an item", () => {
    const state = listChanged(showing("item-1", { mode: { kind: "help" } }));
    expect([state.current, state.mode]).toEqual([null, BROWSE]);
  });

  it("ready once the session, the counts and an item (or the empty queue) are known", () => {
    const counts = { pending: 0, approved: 0, edited: 0, rejected: 0, needs_sme: 0, conflict: 0 };
    expect(isReady(showing("item-1"), false), "counts not known").toBe(false);
    expect(isReady(showing("item-1", { counts }), false)).toBe(true);
    expect(isReady({ ...showing("item-1", { counts }), current: null }, false), "the first item still loading").toBe(false);
    expect(isReady({ ...showing("item-1", { counts }), current: null }, true), "nothing to review").toBe(true);
  });
});
