import { describe, expect, it } from "vitest";
import { toAppError } from "./api";

describe("toAppError", () => {
  it("keeps an IPC error's code and message", () => {
    expect(toAppError({ code: "conflict", message: "item changed" }), "the shell's error shape").toEqual({ code: "conflict", message: "item changed" });
  });

  it("wraps strings, Errors and anything else", () => {
    expect(toAppError("command decide not found"), "a plain string from the IPC layer").toEqual({ code: "ipc", message: "command decide not found" });
    expect(toAppError(new Error("boom")), "an Error").toEqual({ code: "ipc", message: "boom" });
    expect(toAppError(42), "a number").toEqual({ code: "unknown", message: "42" });
    expect(toAppError(null), "null").toEqual({ code: "unknown", message: "null" });
  });
});
