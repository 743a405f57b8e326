import { describe, expect, it } from "vitest";
import { createMockBackend } from "../dev/mockBackend";
import type { Decision } from "./bindings/Decision";
import type { Item } from "./bindings/Item";
import { decisionDraft } from "./reviewSession";

describe("the mock backend, like the shell", () => {
  it("records a draft as the session's reviewer and refuses one that names a reviewer", () => {
    const backend = createMockBackend({ copies: 1, reviewer: "dana.reviewer" });
    const item = backend("get_item", { externalId: "qa-26" }) as Item;
    const draft = decisionDraft("d-1", item, "approve");
    expect((backend("decide", { draft }) as Decision).reviewer).toBe("dana.reviewer");
    const named = { ...decisionDraft("d-2", item, "approve"), reviewer: "someone.else" };
    expect(() => backend("decide", { draft: named })).toThrow(/unknown field `reviewer`/);
    expect(() => backend("adjudicate", { draft: decisionDraft("d-3", item, "approve") }), "an analyst").toThrow();
  });
});
