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

  it("serves a comparison, and like the core approves it only with a pick", () => {
    const backend = createMockBackend({ copies: 1, reviewer: "dana.reviewer" });
    const item = backend("get_item", { externalId: "cmp-quality-cafe" }) as Item;
    expect(item.body.kind === "comparison" && item.body.candidates.length, "three candidates").toBe(3);
    expect(() => backend("decide", { draft: decisionDraft("d-1", item, "approve") }), "no pick").toThrow(/needs a pick/);
    expect(() => backend("decide", { draft: decisionDraft("d-2", item, "approve", { pick: { best: 3 } }) }), "no fourth candidate").toThrow(/not one of them/);
    expect((backend("decide", { draft: decisionDraft("d-3", item, "approve", { pick: { best: 2 } }) }) as Decision).action, "candidate 3").toBe("approve");
    const answer = backend("get_item", { externalId: "qa-26" }) as Item;
    expect(() => backend("decide", { draft: decisionDraft("d-4", answer, "approve", { pick: "tie" }) }), "an answer takes no pick").toThrow(/not a comparison/);
  });
});
