import { describe, expect, it } from "vitest";
import type { Evidence } from "./bindings/Evidence";
import { citedPassage, contentWords, groundSentences, sentences } from "./grounding";

const passage = (id: string, text: string): Evidence => ({ id, title: "", text, source: "" });
const evidence = [
  passage("doc-1", "House of Anubis first aired in September 2006 on Nickelodeon."),
  passage("doc-2", "The series was based on the Dutch-Belgian show Het Huis Anubis."),
];

describe("contentWords", () => {
  it("drops short and function words but keeps numbers", () => {
    expect([...contentWords("It first aired in 2006, on TV.")], "content words").toEqual(["first", "aired", "2006"]);
  });
});

describe("sentences", () => {
  it("splits at sentence ends and line breaks", () => {
    expect(sentences("One. Two? Three!\nFour"), "four sentences").toEqual(["One.", "Two?", "Three!", "Four"]);
  });
});

describe("groundSentences", () => {
  it("finds the passage that lexically supports a sentence", () => {
    const [grounding] = groundSentences("It first aired in September 2006.", evidence);
    expect(grounding?.supported, "the date sentence is supported").toBe(true);
    expect(grounding?.support[0]?.passageId, "by doc-1").toBe("doc-1");
    expect(grounding?.support[0]?.shared, "through these words").toEqual(["first", "aired", "september", "2006"]);
  });

  it("marks a sentence no passage supports", () => {
    const [, invented] = groundSentences("It aired in 2006. The showrunner won three Emmy awards for directing.", evidence);
    expect(invented?.supported, "the invented claim has no support").toBe(false);
    expect(invented?.support, "and no passages").toEqual([]);
  });

  it("does not count a sentence without content words as supported", () => {
    expect(groundSentences("Yes.", evidence)[0]?.supported, "nothing to check").toBe(false);
  });
});

describe("citedPassage", () => {
  it("resolves passage ids first, then 1-based numbers", () => {
    expect(citedPassage("doc-2", evidence)?.id, "by id").toBe("doc-2");
    expect(citedPassage("1", evidence)?.id, "[1] is the first passage").toBe("doc-1");
    expect(citedPassage("9", evidence), "out of range").toBeNull();
    expect(citedPassage("doc-7", evidence), "unknown id").toBeNull();
  });
});
