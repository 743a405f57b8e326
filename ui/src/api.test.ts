import { describe, expect, it } from "vitest";
import { toCallError } from "./api";

describe("toCallError", () => {
  it("keeps an IPC error's code and message", () => {
    expect(toCallError({ code: "conflict", message: "item changed" }), "the shell's error shape").toEqual({ code: "conflict", message: "item changed" });
  });

  it("wraps strings, Errors and anything else", () => {
    expect(toCallError("command decide not found"), "a plain string from the IPC layer").toEqual({ code: "ipc", message: "command decide not found" });
    expect(toCallError(new Error("boom")), "an Error").toEqual({ code: "ipc", message: "boom" });
    expect(toCallError(42), "a number").toEqual({ code: "unknown", message: "42" });
    expect(toCallError(null), "null").toEqual({ code: "unknown", message: "null" });
  });
});
