import { describe, expect, it } from "vitest";
import { parseInline, parseMarkdown, plainText } from "./markdown";

describe("parseMarkdown blocks", () => {
  it("splits paragraphs on blank lines and keeps line breaks inside one", () => {
    expect(parseMarkdown("one\ntwo\n\nthree").map((b) => b.type), "two paragraphs").toEqual(["paragraph", "paragraph"]);
  });

  it("reads bullet and numbered lists", () => {
    const [list] = parseMarkdown("- a\n- b");
    expect(list, "a bullet list of two").toMatchObject({ type: "list", ordered: false, items: [[{ text: "a" }], [{ text: "b" }]] });
    expect(parseMarkdown("1. x\n2) y")[0], "numbered").toMatchObject({ type: "list", ordered: true });
  });

  it("keeps fenced code verbatim", () => {
    expect(parseMarkdown("```\n<b>*not em*</b>\n```"), "no inline parsing in code").toEqual([{ type: "code", text: "<b>*not em*</b>" }]);
  });
});

describe("parseInline", () => {
  it("parses emphasis, strong and code", () => {
    expect(parseInline("a *b* **c** `d`"), "each form").toEqual([
      { type: "text", text: "a " },
      { type: "em", children: [{ type: "text", text: "b" }] },
      { type: "text", text: " " },
      { type: "strong", children: [{ type: "text", text: "c" }] },
      { type: "text", text: " " },
      { type: "code", text: "d" },
    ]);
  });

  it("does not italicize snake_case identifiers", () => {
    expect(parseInline("customer_id maps to order_id"), "underscores inside words").toEqual([{ type: "text", text: "customer_id maps to order_id" }]);
  });

  it("marks only https links as https and never turns javascript: into a link target", () => {
    expect(parseInline("[ok](https://example.com)")[0], "https").toEqual({ type: "link", text: "ok", url: "https://example.com", https: true });
    expect(parseInline("[click](javascript:alert(1))")[0], "javascript: stays an inert, flagged URL").toMatchObject({ type: "link", https: false });
  });

  it("turns images into a text note, never a fetch", () => {
    expect(parseInline("![tracker](https://tracker.invalid/p.png)"), "image").toEqual([{ type: "image", alt: "tracker" }]);
  });

  it("finds citations by number or passage id", () => {
    const refs = parseInline("See [1] and [doc-3].").filter((i) => i.type === "citation");
    expect(refs, "two citations").toEqual([{ type: "citation", ref: "1" }, { type: "citation", ref: "doc-3" }]);
  });

  it("leaves raw HTML as literal text", () => {
    const html = '<script>window.__pwned = "x"</script><img src=x onerror=alert(1)>';
    expect(plainText(parseInline(html)), "the payload is shown, not run").toBe(html);
  });
});
