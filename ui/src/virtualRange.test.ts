import { describe, expect, it } from "vitest";
import { scrollTopToReveal, visibleRows } from "./virtualRange";

describe("visibleRows", () => {
  it("renders only the rows in view plus overscan", () => {
    expect(visibleRows(0, 560, 56, 1000, 5), "top of a long list").toEqual({ start: 0, end: 15 });
    expect(visibleRows(5600, 560, 56, 1000, 5), "scrolled to row 100").toEqual({ start: 95, end: 115 });
  });

  it("clamps to the list", () => {
    expect(visibleRows(0, 560, 56, 3, 5), "a short list renders all its rows").toEqual({ start: 0, end: 3 });
    expect(visibleRows(0, 0, 56, 0, 5), "an empty list renders nothing").toEqual({ start: 0, end: 0 });
  });
});

describe("scrollTopToReveal", () => {
  it("scrolls up or down just enough, and not at all for a visible row", () => {
    expect(scrollTopToReveal(2, 560, 560, 56), "row above the viewport aligns to the top").toBe(112);
    expect(scrollTopToReveal(20, 0, 560, 56), "row below aligns to the bottom").toBe(616);
    expect(scrollTopToReveal(3, 0, 560, 56), "a visible row needs no scroll").toBeNull();
  });
});
