import { describe, expect, it } from "vitest";
import { diffStats, wordDiff, wordTokens } from "./diff";

const rebuild = (parts: ReturnType<typeof wordDiff>, side: "before" | "after") =>
  parts
    .filter((part) => part.kind === "kept" || part.kind === (side === "after" ? "inserted" : "deleted"))
    .map((part) => part.text)
    .join("");

describe("wordDiff", () => {
  it("reports nothing but kept text for identical input", () => {
    expect(wordDiff("Revenue was $12M.", "Revenue was $12M."), "no change").toEqual([{ kind: "kept", text: "Revenue was $12M." }]);
  });

  it("shows a replaced word as a deletion and an insertion", () => {
    const parts = wordDiff("Revenue was $12M.", "Revenue was $14M.");
    expect(parts, "only the changed word differs").toEqual([
      { kind: "kept", text: "Revenue was " },
      { kind: "deleted", text: "$12M." },
      { kind: "inserted", text: "$14M." },
    ]);
  });

  it("keeps common words in order around insertions and deletions", () => {
    const parts = wordDiff("the quick brown fox", "the very quick fox jumps");
    expect(parts.filter((p) => p.kind === "inserted").map((p) => p.text.trim()), "inserted words").toEqual(["very", "jumps"]);
    expect(parts.filter((p) => p.kind === "deleted").map((p) => p.text.trim()), "deleted words").toEqual(["brown"]);
  });

  it("reproduces both texts exactly from its parts", () => {
    const before = "A  first line\nand a second.";
    const after = "A first line, then\nand the second.";
    const parts = wordDiff(before, after);
    expect(rebuild(parts, "after"), "kept + inserted is the new text").toBe(after);
    expect(rebuild(parts, "before").replace(/\s+/g, " "), "kept + deleted is the old text, up to spacing").toBe(before.replace(/\s+/g, " "));
  });

  it("handles empty sides", () => {
    expect(wordDiff("", "new text"), "all inserted").toEqual([{ kind: "inserted", text: "new text" }]);
    expect(wordDiff("old text", ""), "all deleted").toEqual([{ kind: "deleted", text: "old text" }]);
  });

  it("counts inserted and deleted words", () => {
    expect(diffStats(wordDiff("a b c", "a x y c")), "b → x y").toEqual({ inserted: 2, deleted: 1 });
  });
});

describe("wordTokens", () => {
  it("attaches whitespace to the word before it", () => {
    expect(wordTokens("  one two\nthree"), "leading space is its own token").toEqual(["  ", "one ", "two\n", "three"]);
  });
});
