import { describe, expect, it } from "vitest";
import { fractionDone, jobCancelling, jobProgressed, jobStarted, outcomeOf, progressLabel } from "./jobs";

describe("background jobs", () => {
  it("progress updates only its own job and an outcome removes it", () => {
    let jobs = jobStarted(jobStarted([], 1, "import"), 2, "export");
    jobs = jobProgressed(jobs, 1, { type: "progress", done: 250, total: 1000, cost_usd: null, failed: 0 });
    expect(jobs.map((j) => [j.id, j.done, j.total])).toEqual([
      [1, 250, 1000],
      [2, 0, null],
    ]);
    expect(progressLabel(jobs[0]!)).toBe("Importing: 25 %");
    expect(progressLabel(jobs[1]!), "unknown total: no percentage").toBe("Exporting…");
    jobs = jobProgressed(jobs, 1, { type: "finished", summary: "items.jsonl: 10 new, 0 already present" });
    expect(jobs.map((j) => j.id), "the finished import is gone, the export stays").toEqual([2]);
  });

  it("a cancel request is shown until the job reports back", () => {
    const jobs = jobCancelling(jobStarted([], 7, "backup"), 7);
    expect(jobs[0]?.cancelling).toBe(true);
    expect(progressLabel(jobs[0]!)).toBe("Backing up: cancelling…");
  });

  it("fractions are clamped and unknown totals give none", () => {
    const job = { id: 1, kind: "import" as const, done: 12, total: 10, costUsd: null, failed: 0, cancelling: false };
    expect(fractionDone(job), "bytes read can pass a stale total").toBe(1);
    expect(fractionDone({ ...job, total: 0 })).toBeNull();
  });

  it("only a finished import refreshes the queue; a cancel says nothing changed", () => {
    expect(outcomeOf("import", { type: "progress", done: 1, total: 2, cost_usd: null, failed: 0 })).toBeNull();
    expect(outcomeOf("import", { type: "finished", summary: "s" })).toEqual({ tone: "success", text: "s", refreshQueue: true });
    expect(outcomeOf("export", { type: "finished", summary: "s" })?.refreshQueue, "an export adds no items").toBe(false);
    expect(outcomeOf("products", { type: "finished", summary: "s" }), "registered products: the evidence is read again").toEqual({
      tone: "success",
      text: "s",
      refreshQueue: false,
      refreshEvidence: true,
    });
    expect(outcomeOf("import", { type: "finished", summary: "s" })?.refreshEvidence, "an import leaves the products").toBeUndefined();
    expect(outcomeOf("import", { type: "failed", code: "cancelled", message: "import of x cancelled" })).toEqual({
      tone: "info",
      text: "Importing cancelled; nothing was changed.",
      refreshQueue: false,
    });
    expect(outcomeOf("export", { type: "failed", code: "not_a_regular_file", message: "/dev/null: is a device" })).toEqual({
      tone: "error",
      text: "/dev/null: is a device",
      refreshQueue: false,
    });
  });

  it("an LLM run shows inputs done, the cost so far and failures", () => {
    let jobs = jobStarted([], 3, "vet");
    expect(progressLabel(jobs[0]!), "nothing known yet").toBe("Vetting…");
    jobs = jobProgressed(jobs, 3, { type: "progress", done: 4, total: 10, cost_usd: 0.000125, failed: 1 });
    expect(progressLabel(jobs[0]!)).toBe("Vetting: 4 / 10 · $0.0001 · 1 failed");
    jobs = jobProgressed(jobs, 3, { type: "progress", done: 10, total: 10, cost_usd: 2.5, failed: 0 });
    expect(progressLabel(jobs[0]!), "no failures: not mentioned").toBe("Vetting: 10 / 10 · $2.50");
  });

  it("an LLM run refreshes the queue when it ends, even when cancelled", () => {
    expect(outcomeOf("vet", { type: "finished", summary: "vet run 1" })?.refreshQueue, "new verdicts").toBe(true);
    expect(outcomeOf("generate", { type: "failed", code: "cancelled", message: "cancelled" })).toEqual({
      tone: "info",
      text: "Generating answers cancelled; results of the calls that finished are kept.",
      refreshQueue: true,
    });
    expect(outcomeOf("relate", { type: "failed", code: "config", message: "no provider named 'x'" })?.tone).toBe("error");
  });
});
