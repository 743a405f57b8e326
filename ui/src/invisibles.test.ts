import { describe, expect, it } from "vitest";
import { hasInvisibles, INVISIBLE_CHARS, splitInvisibles, stripInvisibles, visibleText } from "./invisibles";

const RLO = "\u202E";
const ZWSP = "\u200B";

describe("splitInvisibles", () => {
  it("leaves ordinary text (including real RTL letters) as one run", () => {
    expect(splitInvisibles("plain text"), "one run").toEqual(["plain text"]);
    expect(splitInvisibles("שלום عربي"), "Hebrew and Arabic letters are not controls").toEqual(["שלום عربي"]);
    expect(splitInvisibles(""), "nothing").toEqual([]);
  });

  it("cuts out each control and names its code point", () => {
    const parts = splitInvisibles(`invoice${RLO}fdp.exe${ZWSP}`);
    expect(parts.map((p) => (typeof p === "string" ? p : p.codePoint)), "runs and code points in order").toEqual([
      "invoice",
      "U+202E",
      "fdp.exe",
      "U+200B",
    ]);
  });

  it("covers every bidi control and zero-width character the issue lists", () => {
    const listed = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff];
    for (const code of listed) {
      const char = String.fromCodePoint(code);
      expect(hasInvisibles(`a${char}b`), `U+${code.toString(16)}`).toBe(true);
      expect(visibleText(`a${char}b`), `U+${code.toString(16)} is replaced`).not.toContain(char);
    }
    expect(INVISIBLE_CHARS.length, "no more, no fewer").toBe(listed.length);
  });
});

describe("visibleText", () => {
  it("replaces controls with a readable token for attributes", () => {
    expect(visibleText(`a${RLO}b${ZWSP}c`)).toBe("a⟨RLO⟩b⟨ZWSP⟩c");
    expect(visibleText("unchanged")).toBe("unchanged");
  });
});

describe("stripInvisibles", () => {
  it("removes every hidden character and nothing else", () => {
    expect(stripInvisibles(`invoice${RLO}fdp.exe${ZWSP} שלום`)).toBe("invoicefdp.exe שלום");
    expect(stripInvisibles("as is")).toBe("as is");
  });
});
