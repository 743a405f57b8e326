import { afterEach, describe, expect, it, vi } from "vitest";
import { newDecisionId } from "./ids";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("newDecisionId", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("returns distinct UUID v4 strings", () => {
    const a = newDecisionId();
    expect(a, "UUID v4 format").toMatch(UUID_V4);
    expect(a, "each decision gets its own id").not.toBe(newDecisionId());
  });

  it("builds a UUID v4 itself where crypto.randomUUID is missing (insecure context)", () => {
    const real = globalThis.crypto;
    vi.stubGlobal("crypto", { getRandomValues: <T extends ArrayBufferView>(array: T) => real.getRandomValues(array) });
    expect(newDecisionId(), "fallback format").toMatch(UUID_V4);
  });
});
