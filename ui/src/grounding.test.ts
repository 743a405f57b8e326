import { describe, expect, it } from "vitest";
import type { Evidence } from "./bindings/Evidence";
import { citedPassage } from "./grounding";

const passage = (id: string, text: string): Evidence => ({ id, title: "", text, source: "" });
const evidence = [
  passage("doc-1", "House of Anubis first aired in September 2006 on Nickelodeon."),
  passage("doc-2", "The series was based on the Dutch-Belgian show Het Huis Anubis."),
];

describe("citedPassage", () => {
  it("resolves passage ids first, then 1-based numbers", () => {
    expect(citedPassage("doc-2", evidence)?.id, "by id").toBe("doc-2");
    expect(citedPassage("1", evidence)?.id, "[1] is the first passage").toBe("doc-1");
    expect(citedPassage("9", evidence), "out of range").toBeNull();
    expect(citedPassage("doc-7", evidence), "unknown id").toBeNull();
  });
});
