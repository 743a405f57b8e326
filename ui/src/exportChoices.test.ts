import { describe, expect, it } from "vitest";
import { DEFAULT_EXPORT, FORMATS, exportRequest, isTrainingFormat } from "./exportChoices";

describe("export choices", () => {
  it("the default request exports TRL SFT with redaction, no split and no filters", () => {
    expect(exportRequest(DEFAULT_EXPORT)).toEqual({ format: "trl-sft", pii: "redact", val_fraction: 0, kinds: [], domains: [], models: [], tags: [] });
  });

  it("single choices become one-element filters and the split becomes a clamped fraction", () => {
    const request = exportRequest({ ...DEFAULT_EXPORT, kind: "answer", domain: "finance", tag: "gold", valPercent: 10 });
    expect(request).toMatchObject({ kinds: ["answer"], domains: ["finance"], models: [], tags: ["gold"], val_fraction: 0.1 });
    expect(exportRequest({ ...DEFAULT_EXPORT, valPercent: 90 }).val_fraction, "the core refuses 1; the dialog caps at 50 %").toBe(0.5);
    expect(exportRequest({ ...DEFAULT_EXPORT, valPercent: Number.NaN }).val_fraction, "an emptied field means no split").toBe(0);
  });

  it("offers every format the core writes, and only training formats are screened and split", () => {
    expect(FORMATS.map((f) => f.value).sort()).toEqual(["decisions", "decisions-csv", "openai-dpo", "openai-sft", "trl-dpo", "trl-kto", "trl-sft"]);
    expect(isTrainingFormat("trl-kto")).toBe(true);
    expect(isTrainingFormat("decisions-csv")).toBe(false);
  });
});
