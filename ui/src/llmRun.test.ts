import { describe, expect, it } from "vitest";
import type { QueueFilter } from "./bindings/QueueFilter";
import { DEFAULT_LLM_RUN, LOCAL, ROLES, describeQueue, hasKey, keySourceLabel, llmRunRequest, newItemReviews, reviewsProblem, rolesFor, runProblem, type RunPlace } from "./llmRun";

const FILTER: QueueFilter = { status: "pending", kind: null, domain: "finance", model: null, verdict: null, reviewer: null, tag: null, sort: "risk" };

describe("running a model from the app", () => {
  it("a vet run takes the queue as it is filtered and shown", () => {
    const draft = { ...DEFAULT_LLM_RUN, provider: "local", limit: 5 };
    expect(runProblem(draft)).toBeNull();
    expect(llmRunRequest(draft, FILTER)).toEqual({ role: "vet", provider: "local", filter: FILTER, limit: 5, revet: false, knowledge: "base" });
    expect(llmRunRequest({ ...draft, knowledge: "both" }, FILTER), "the prompt's knowledge is sent as chosen").toMatchObject({ knowledge: "both" });
  });

  it("on a team server offers the vetting model to reviewers and the tasks that add items to who may add them, and refuses the rest by name", () => {
    const sme = { teamServer: true, role: "sme", addsItems: false } as const;
    const analyst = { teamServer: true, role: "analyst", addsItems: false } as const;
    const owner = { teamServer: true, role: null, addsItems: true } as const;
    const superuser = { teamServer: true, role: "adjudicator", addsItems: true } as const;
    expect(rolesFor(LOCAL), "a local database runs every task").toBe(ROLES);
    expect(rolesFor(sme).map((r) => r.value)).toEqual(["vet", "align"]);
    expect(rolesFor(analyst).map((r) => r.value), "an analyst sees them, and is told who runs them").toEqual(["vet", "align"]);
    expect(rolesFor(sme)[0]?.hint, "who may run it there").toMatch(/only SMEs and adjudicators run it/);
    expect(rolesFor(owner).map((r) => r.value), "the owner (in no group) adds items").toEqual(["relate", "rank", "generate"]);
    expect(rolesFor(owner)[0]?.hint).toMatch(/only its owner adds items/);
    expect(rolesFor(superuser).map((r) => r.value), "an owner who is also an adjudicator runs both").toEqual(["vet", "relate", "rank", "generate", "align"]);
    expect(rolesFor({ teamServer: true, role: null, addsItems: false }).map((r) => r.value), "a login in no group is told who vets").toEqual(["vet", "align"]);
    const vet = { ...DEFAULT_LLM_RUN, provider: "p" };
    expect(runProblem(vet, sme)).toBeNull();
    expect(runProblem(vet, superuser)).toBeNull();
    expect(runProblem(vet, analyst), "an analyst is told before running").toMatch(/only SMEs and adjudicators run the vetting model/);
    expect(runProblem(vet, owner), "an owner in no group neither").toMatch(/only SMEs and adjudicators/);
    expect(runProblem({ ...vet, role: "rank", domain: "data" }, sme), "ranking adds the model's own relationships").toMatch(/only its owner adds items/);
    expect(runProblem({ ...vet, role: "rank", domain: "data" }, owner), "the owner ranks there").toBeNull();
    expect(runProblem({ ...vet, role: "align", domain: "finance" }, sme), "aligning runs there").toBeNull();
    expect(runProblem({ ...vet, role: "rank" }), "locally it runs").toBeNull();
    const generate = { ...vet, role: "generate" } as const;
    expect(runProblem(generate, owner), "the owner answers questions there").toBeNull();
    expect(runProblem(generate, superuser)).toBeNull();
    expect(runProblem({ ...vet, role: "relate", source: "orders", target: "customers" }, owner)).toBeNull();
    expect(runProblem(generate, sme), "a reviewer is told who adds items").toMatch(/only its owner adds items/);
    expect(runProblem(generate, analyst)).toMatch(/only its owner adds items/);
  });

  it("asks how many reviewers each new item goes to only where the run adds items on a team server", () => {
    const owner: RunPlace = { teamServer: true, role: null, addsItems: true };
    const sme: RunPlace = { teamServer: true, role: "sme", addsItems: false };
    const relate = { ...DEFAULT_LLM_RUN, provider: "p", role: "relate", source: "orders", target: "customers", reviews: 2 } as const;
    expect(newItemReviews(relate, owner), "the owner's relate run sends its k").toBe(2);
    expect(newItemReviews({ ...relate, role: "generate" }, owner)).toBe(2);
    expect(newItemReviews({ ...relate, role: "rank" }, owner)).toBe(2);
    expect(newItemReviews(relate, LOCAL), "a local database uses its configured overlap").toBeNull();
    expect(newItemReviews({ ...relate, role: "vet" }, sme), "vetting adds no items").toBeNull();
    expect(runProblem({ ...relate, reviews: 0 }, owner), "at least one reviewer").toMatch(/1 to 10 distinct reviewers/);
    expect(runProblem({ ...relate, reviews: 11 }, owner), "at most the schema's 10").toMatch(/1 to 10 distinct reviewers/);
    expect(runProblem({ ...relate, reviews: 1.5 }, owner), "whole reviewers").toMatch(/1 to 10/);
    expect(runProblem({ ...relate, reviews: 10 }, owner)).toBeNull();
    expect(runProblem({ ...relate, reviews: 0 }), "not asked locally, so not checked").toBeNull();
  });

  it("checks reviewers per new candidate as per new item (Discover relationships on a team server)", () => {
    expect([0, 11, 1.5, Number.NaN].map(reviewsProblem), "1 to 10 whole reviewers, the schema's range").toEqual(Array(4).fill("Each new item goes to 1 to 10 distinct reviewers."));
    expect([1, 2, 10].map(reviewsProblem)).toEqual([null, null, null]);
  });

  it("refuses what cannot run, saying what to do", () => {
    expect(runProblem(DEFAULT_LLM_RUN)).toMatch(/Choose a provider/);
    expect(runProblem({ ...DEFAULT_LLM_RUN, provider: "p", limit: 0 })).toMatch(/between 1 and 10,000/);
    expect(runProblem({ ...DEFAULT_LLM_RUN, provider: "p", limit: 2.5 }), "whole items only").toMatch(/between/);
    const relate = { ...DEFAULT_LLM_RUN, provider: "p", role: "relate" as const };
    expect(runProblem(relate)).toMatch(/both data products/);
    expect(runProblem({ ...relate, source: "Invoice", target: "Invoice" })).toMatch(/two different/);
    expect(runProblem({ ...relate, source: "Invoice", target: "Customer", domain: " " })).toMatch(/domain/);
    expect(runProblem({ ...relate, source: "Invoice", target: "Customer" })).toBeNull();
    const rank = { ...DEFAULT_LLM_RUN, provider: "p", role: "rank" as const };
    expect(runProblem(rank)).toBeNull();
    expect(runProblem({ ...rank, limit: 0 })).toMatch(/Rank between 1 and 10,000 candidates/);
    expect(runProblem({ ...rank, domain: "  " })).toMatch(/domain of the candidates/);
  });

  it("a rank run names the candidates' domain and how many to judge", () => {
    const rank = { ...DEFAULT_LLM_RUN, provider: "p", role: "rank" as const, domain: " data ", limit: 50 };
    expect(llmRunRequest(rank, FILTER)).toEqual({ role: "rank", provider: "p", domain: "data", limit: 50 });
  });

  it("an align run names the domain, the held-out share, the variants and how many to judge", () => {
    const align = { ...DEFAULT_LLM_RUN, provider: "p", role: "align" as const, domain: " finance ", limit: 40 };
    expect(runProblem(align)).toBeNull();
    expect(llmRunRequest(align, FILTER)).toEqual({
      role: "align",
      provider: "p",
      domain: "finance",
      holdout: 0.2,
      variants: ["base", "guidelines", "examples", "both"],
      limit: 40,
    });
    expect(runProblem({ ...align, variants: [] })).toMatch(/at least one prompt variant/);
    expect(runProblem({ ...align, holdout: 1 })).toMatch(/share between 0 and 1/);
    expect(runProblem({ ...align, holdout: 0 })).toMatch(/share between 0 and 1/);
    expect(runProblem({ ...align, domain: " " })).toMatch(/domain whose decisions/);
    expect(runProblem({ ...align, limit: 0 })).toMatch(/held-out items per variant/);
  });

  it("relate and generate requests carry only what their role needs", () => {
    const relate = { ...DEFAULT_LLM_RUN, provider: "p", role: "relate" as const, source: "Invoice", target: "Customer", domain: " music " };
    expect(llmRunRequest(relate, FILTER)).toEqual({ role: "relate", provider: "p", source: "Invoice", target: "Customer", domain: "music", knowledge: "base" });
    expect(llmRunRequest({ ...DEFAULT_LLM_RUN, provider: "p", role: "generate", knowledge: "both" }, FILTER)).toEqual({
      role: "generate",
      provider: "p",
      knowledge: "both",
    });
  });

  it("describes where a key comes from without ever having it", () => {
    expect(keySourceLabel({ kind: "env", var: "OPENAI_API_KEY" })).toBe("from $OPENAI_API_KEY");
    expect(keySourceLabel({ kind: "keyring" })).toBe("in the OS keyring");
    expect(keySourceLabel({ kind: "missing" })).toMatch(/local servers/);
    expect(keySourceLabel({ kind: "keyring_unavailable", message: "no Secret Service" })).toMatch(/unavailable: no Secret Service/);
    expect(hasKey({ kind: "keyring" }) && hasKey({ kind: "env", var: "X" })).toBe(true);
    expect(hasKey({ kind: "missing" }) || hasKey({ kind: "keyring_unavailable", message: "" })).toBe(false);
  });

  it("says which part of the queue a vet run will take", () => {
    expect(describeQueue(FILTER)).toBe("pending · domain finance · riskiest first");
    expect(describeQueue({ ...FILTER, status: null, awaiting: "ann", tag: "q3" })).toBe("pending for ann · domain finance · tag q3 · riskiest first");
    expect(describeQueue({ ...FILTER, status: null, review: "conflict", domain: null, sort: "oldest" })).toBe("conflicts · oldest first");
    expect(describeQueue({ ...FILTER, status: "needs_sme", domain: null, sort: "newest" })).toBe("needs sme · newest first");
    expect(describeQueue({ ...FILTER, domain: null, sort: "likely" })).toBe("pending · most likely first");
    expect(describeQueue({ ...FILTER, vetter_confident: { model: "qwen", min_score: 0.9 } })).toBe("pending · domain finance · passed by qwen ≥ 0.900 · riskiest first");
  });
});
