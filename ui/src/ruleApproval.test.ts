import { describe, expect, it } from "vitest";
import type { RuleCandidate } from "./bindings/RuleCandidate";
import type { RulePlan } from "./bindings/RulePlan";
import { DEFAULT_RULE, approveFailed, checked, failed, initialDraft, leftReasons, nextStep, planSummary, progressed, ruleEdited, started } from "./ruleApproval";

const candidate = (item: string, unmet: string[] = []): RuleCandidate => ({
  item,
  version: 1,
  title: `${item} title`,
  containment: unmet.length === 0 ? 1 : 0.5,
  basis: "source: full table, 10 rows; source: full table, 5 rows",
  unmet,
});

const plan = (approve: string[], leave: [string, string[]][]): RulePlan => ({
  rule: "containment>=100%, target-key",
  approve: approve.map((id) => candidate(id)),
  leave: leave.map(([id, unmet]) => candidate(id, unmet)),
});

describe("approving by rule", () => {
  it("checks first, approves only what was checked, and checks again after an edit", () => {
    let draft = initialDraft();
    expect(draft.rule).toBe(DEFAULT_RULE);
    expect(nextStep(draft), "nothing is approved before a check").toBe("check");
    draft = started(draft);
    expect(nextStep(draft), "one request at a time").toBeNull();
    draft = checked(DEFAULT_RULE, plan(["a", "b"], []))(draft);
    expect(nextStep(draft)).toBe("approve");
    draft = ruleEdited("containment>=99%")(draft);
    expect(nextStep(draft), "an edited rule must be checked again").toBe("check");
    draft = ruleEdited(DEFAULT_RULE)(draft);
    expect(nextStep(draft), "back to the checked text: its plan stands").toBe("approve");
  });

  it("offers nothing to approve when no candidate meets the rule, or the rule is blank", () => {
    const none = checked(DEFAULT_RULE, plan([], [["x", ["containment 50% < 100%"]]]))(initialDraft());
    expect(nextStep(none)).toBeNull();
    expect(nextStep(ruleEdited("  ")(initialDraft()))).toBeNull();
  });

  it("after a refused approval (a candidate changed meanwhile) asks for a new check, never resending the stale plan", () => {
    const refused = approveFailed("item 'x' changed")(started(checked(DEFAULT_RULE, plan(["a"], []))(initialDraft())));
    expect(refused.error).toContain("changed");
    expect(nextStep(refused)).toBe("check");
  });

  it("shows the running check's progress, and forgets it when the plan arrives", () => {
    const running = progressed(340, 2000)(started(initialDraft()));
    expect(running.progress).toEqual({ done: 340, total: 2000 });
    expect(nextStep(running), "no second check while one runs").toBeNull();
    const done = checked(DEFAULT_RULE, plan(["a"], []))(running);
    expect(done.progress).toBeNull();
    expect(done.busy).toBe(false);
  });

  it("keeps the error of a refused rule until the rule is edited", () => {
    const refused = failed("rule clause 'rows>10': not a clause Vetted knows")(started(initialDraft()));
    expect(refused.busy).toBe(false);
    expect(refused.error).toContain("rows>10");
    expect(ruleEdited("target-key")(refused).error).toBeNull();
  });

  it("summarises the plan and groups the reasons candidates were left", () => {
    const p = plan(
      ["a"],
      [
        ["x", ["containment 3.3% < 100%"]],
        ["y", ["containment 50% < 100%", "target is not a declared key"]],
        ["z", ["disputed by another candidate: 'a' was accepted as …"]],
      ],
    );
    expect(planSummary(p)).toBe("1 of 4 candidates meets the rule.");
    expect(planSummary(plan([], []))).toBe("No relationship candidate is waiting for you here.");
    expect(leftReasons(p)).toEqual([
      { reason: "containment", count: 2 },
      { reason: "disputed by another candidate", count: 1 },
    ]);
  });
});
