import { describe, expect, it } from "vitest";
import type { Format } from "./bindings/Format";
import { DEFAULT_EXPORT, FORMATS, exportRequest, hasSplit, isPreferenceFormat, isTrainingFormat } from "./exportChoices";

describe("export choices", () => {
  it("sends ties only with the preference formats, and only when asked", () => {
    expect(FORMATS.filter((f) => isPreferenceFormat(f.value)).map((f) => f.value), "the pair formats").toEqual(["trl-dpo", "trl-reward", "openai-dpo"]);
    expect(exportRequest({ ...DEFAULT_EXPORT, format: "trl-dpo", includeTies: true }).include_ties, "DPO with ties").toBe(true);
    expect(exportRequest({ ...DEFAULT_EXPORT, format: "openai-dpo" }).include_ties, "not ticked").toBe(false);
    expect(exportRequest({ ...DEFAULT_EXPORT, format: "trl-sft", includeTies: true }).include_ties, "ticked, then SFT chosen: a tie trains nothing there").toBe(false);
    expect(exportRequest({ ...DEFAULT_EXPORT, kind: "comparison" }).kinds, "comparisons only").toEqual(["comparison"]);
  });

  it("the default request exports TRL SFT with redaction, no split and no filters", () => {
    expect(exportRequest(DEFAULT_EXPORT)).toEqual({ format: "trl-sft", pii: "redact", val_fraction: 0, kinds: [], domains: [], models: [], tags: [], include_ties: false });
  });

  it("single choices become one-element filters and the split becomes a clamped fraction", () => {
    const request = exportRequest({ ...DEFAULT_EXPORT, kind: "answer", domain: "finance", tag: "gold", valPercent: 10 });
    expect(request).toMatchObject({ kinds: ["answer"], domains: ["finance"], models: [], tags: ["gold"], val_fraction: 0.1 });
    expect(exportRequest({ ...DEFAULT_EXPORT, valPercent: 90 }).val_fraction, "the core refuses 1; the dialog caps at 50 %").toBe(0.5);
    expect(exportRequest({ ...DEFAULT_EXPORT, valPercent: Number.NaN }).val_fraction, "an emptied field means no split").toBe(0);
  });

  it("offers every format the core writes, and only training formats are screened and split", () => {
    const written: Format[] = ["claims-nli", "decisions", "decisions-csv", "openai-dpo", "openai-sft", "trl-dpo", "trl-kto", "trl-reward", "trl-sft", "vetter-claims", "vetter-sft"];
    expect(FORMATS.map((f) => f.value).sort(), "the Format union's every member").toEqual(written);
    expect(isTrainingFormat("trl-kto")).toBe(true);
    expect(isTrainingFormat("decisions-csv")).toBe(false);
    expect(hasSplit("trl-reward"), "the reviewed model's formats split").toBe(true);
    expect(hasSplit("vetter-claims"), "the vetting model's are one file").toBe(false);
    expect(exportRequest({ ...DEFAULT_EXPORT, format: "claims-nli", valPercent: 10 }).val_fraction, "no split is sent where the core refuses one").toBe(0);
  });
});
