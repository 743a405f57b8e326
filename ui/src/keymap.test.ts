import { describe, expect, it } from "vitest";
import { DEFAULT_KEYMAP, actionFor, bindingOf, conflicts, keyLabel, overridesOf, rebind, withOverrides, type ChordPress } from "./keymap";

const chord = (key: string, extra: Partial<ChordPress> = {}): ChordPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...extra,
});

describe("bindingOf", () => {
  it("spells plain keys, shifted letters and symbols as typed", () => {
    expect(bindingOf(chord("a")), "a").toBe("a");
    expect(bindingOf(chord("A", { shiftKey: true })), "Shift+a is still the a key").toBe("a");
    expect(bindingOf(chord("?", { shiftKey: true })), "? needs Shift on most layouts but is spelled ?").toBe("?");
    expect(bindingOf(chord("ArrowDown")), "named keys keep their name").toBe("ArrowDown");
  });

  it("writes modifiers in a fixed order, Cmd as Ctrl", () => {
    expect(bindingOf(chord("z", { ctrlKey: true })), "Ctrl+z").toBe("Ctrl+z");
    expect(bindingOf(chord("Z", { ctrlKey: true, shiftKey: true })), "Ctrl+Shift+z").toBe("Ctrl+Shift+z");
    expect(bindingOf(chord("z", { metaKey: true })), "Cmd+z is undo too").toBe("Ctrl+z");
    expect(bindingOf(chord("ArrowDown", { shiftKey: true })), "Shift with a named key").toBe("Shift+ArrowDown");
  });
});

describe("the default keymap", () => {
  it("has no conflicts", () => {
    expect(conflicts(DEFAULT_KEYMAP), "every default key does one thing").toEqual([]);
  });

  it("maps the Ctrl+Z chords to undo and redo", () => {
    expect(actionFor(DEFAULT_KEYMAP, "Ctrl+z"), "undo").toBe("undo");
    expect(actionFor(DEFAULT_KEYMAP, "Ctrl+Shift+z"), "redo").toBe("redo");
    expect(actionFor(DEFAULT_KEYMAP, "?"), "cheat sheet").toBe("help");
    expect(actionFor(DEFAULT_KEYMAP, "Ctrl+Shift+d"), "stats dashboard").toBe("stats");
    expect(actionFor(DEFAULT_KEYMAP, "="), "a comparison's tie").toBe("tie");
  });
});

describe("overrides", () => {
  it("replace an action's bindings and round-trip through storage", () => {
    const keymap = withOverrides([{ action: "approve", binding: "y" }]);
    expect(keymap.approve, "y approves instead of a").toEqual(["y"]);
    expect(actionFor(keymap, "a"), "a is free again").toBeNull();
    expect(overridesOf(keymap), "only the change is stored").toEqual([{ action: "approve", binding: "y" }]);
  });

  it("ignore stored action ids this version does not know", () => {
    expect(withOverrides([{ action: "launch-rockets", binding: "x" }]), "unknown id").toEqual(DEFAULT_KEYMAP);
  });

  it("never leave a key with two actions: a stored override takes the key from its default action", () => {
    const keymap = withOverrides([{ action: "approve", binding: "r" }]);
    expect(actionFor(keymap, "r"), "r approves").toBe("approve");
    expect(keymap.reject, "reject lost r and is unbound until rebound").toEqual([]);
    expect(conflicts(keymap), "no key does two things").toEqual([]);
  });
});

describe("a key the reviewer chose", () => {
  it("keeps its action when a newer default binds it to another one", () => {
    const keymap = withOverrides([{ action: "skip", binding: "x" }]);
    expect(keymap.skip).toEqual(["x"]);
    expect(keymap.redact, "the default x gives way to the reviewer's choice").toEqual([]);
    expect(actionFor(keymap, "x")).toBe("skip");
  });
});

describe("rebind", () => {
  it("accepts a free key", () => {
    const result = rebind(DEFAULT_KEYMAP, "skip", "q");
    expect("keymap" in result && result.keymap.skip, "q now skips").toEqual(["q"]);
  });

  it("refuses a key another action uses and names that action", () => {
    const result = rebind(DEFAULT_KEYMAP, "skip", "a");
    expect("problem" in result && result.problem, "a approves").toContain("Approve");
  });

  it("refuses keys reserved for dialogs", () => {
    for (const key of ["Escape", "Enter", "Ctrl+Enter"]) {
      expect("problem" in rebind(DEFAULT_KEYMAP, "skip", key), `${key} is reserved`).toBe(true);
    }
  });

  it("allows rebinding an action to its own key", () => {
    expect("keymap" in rebind(DEFAULT_KEYMAP, "approve", "a"), "no conflict with itself").toBe(true);
  });
});

describe("keyLabel", () => {
  it("upper-cases a final letter only", () => {
    expect(["a", "Ctrl+Shift+z", "ArrowDown", "?"].map(keyLabel), "key caps").toEqual(["A", "Ctrl+Shift+Z", "ArrowDown", "?"]);
  });
});
