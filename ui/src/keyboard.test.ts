import { describe, expect, it } from "vitest";
import { NO_ITEM_KEYS, commandFor, focusKind, runCommand, type CommandTable, type KeyCommand, type KeyMode, type KeyPress } from "./keyboard";
import { DEFAULT_KEYMAP, KEYMAP_ACTIONS, withOverrides } from "./keymap";

const REASONS = 7;

function press(key: string, extra: Partial<KeyPress> = {}): KeyPress {
  return { key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, repeat: false, focus: "other", ...extra };
}

const run = (mode: KeyMode, key: string, extra: Partial<KeyPress> = {}) => commandFor(mode, press(key, extra), REASONS, DEFAULT_KEYMAP);

describe("browse mode", () => {
  it.each([
    ["a", "approve"],
    ["e", "edit"],
    ["r", "reject"],
    ["j", "next"],
    ["k", "previous"],
    ["ArrowDown", "next"],
    ["ArrowUp", "previous"],
    ["A", "approve"],
    ["J", "next"],
    ["n", "needs-sme"],
    ["s", "skip"],
    ["?", "help"],
    ["f", "filter"],
  ])("%s → %s", (key, type) => {
    expect(run("browse", key), `key ${key} in browse mode`).toEqual({ type });
  });

  it.each(["ctrlKey", "metaKey", "altKey"] as const)("ignores keys held with %s", (modifier) => {
    for (const key of ["a", "e", "r", "j", "k", "ArrowDown"]) {
      expect(run("browse", key, { [modifier]: true }), `${modifier}+${key} belongs to the system, not Vetted`).toBeNull();
    }
  });

  it("ignores keys typed into a text field", () => {
    for (const key of ["a", "e", "r", "j", "k", "ArrowUp"]) {
      expect(run("browse", key, { focus: "text" }), `${key} typed into an input`).toBeNull();
    }
  });

  it("still works when a button has focus", () => {
    expect(run("browse", "a", { focus: "button" }), "a after clicking a button").toEqual({ type: "approve" });
  });

  it("does not repeat decisions from a held key, but does repeat navigation", () => {
    for (const key of ["a", "e", "r"]) {
      expect(run("browse", key, { repeat: true }), `held ${key} must not decide again`).toBeNull();
    }
    expect(run("browse", "j", { repeat: true }), "held j keeps moving").toEqual({ type: "next" });
  });

  it("undoes with Ctrl+Z and redoes with Ctrl+Shift+Z, not from a text field", () => {
    expect(run("browse", "z", { ctrlKey: true }), "Ctrl+Z").toEqual({ type: "undo" });
    expect(run("browse", "Z", { ctrlKey: true, shiftKey: true }), "Ctrl+Shift+Z").toEqual({ type: "redo" });
    expect(run("browse", "z", { ctrlKey: true, focus: "text" }), "Ctrl+Z in a field undoes typing").toBeNull();
  });

  it("follows the reviewer's overrides", () => {
    const keymap = withOverrides([{ action: "approve", binding: "y" }]);
    expect(commandFor("browse", press("y"), REASONS, keymap), "y approves").toEqual({ type: "approve" });
    expect(commandFor("browse", press("a"), REASONS, keymap), "a no longer does").toBeNull();
  });

  it("x redacts the answer's personal data and secrets into an edit", () => {
    expect(run("browse", "x"), "x redacts").toEqual({ type: "redact" });
  });

  it("with a review form, free digits answer it and Tab moves between its questions", () => {
    const withForm = (key: string, extra: Partial<KeyPress> = {}) => commandFor("browse", press(key, extra), REASONS, DEFAULT_KEYMAP, { ...NO_ITEM_KEYS, formQuestions: 3 });
    expect(withForm("4")).toEqual({ type: "formDigit", digit: 4 });
    expect(withForm("Tab")).toEqual({ type: "formMove", delta: 1 });
    expect(withForm("Tab", { shiftKey: true })).toEqual({ type: "formMove", delta: -1 });
    expect(withForm("a"), "the keymap still wins").toEqual({ type: "approve" });
    expect(withForm("4", { focus: "text" }), "typing in a field is typing").toBeNull();
    expect(run("browse", "Tab"), "without a form Tab is the browser's").toBeNull();
    expect(withForm("Tab", { focus: "button" }), "from a button Tab moves the focus").toBeNull();
  });

  it("c starts checking the answer's claims; while checking, claim keys come first", () => {
    expect(run("browse", "c"), "c checks claims").toEqual({ type: "claims" });
    const checking = (key: string, extra: Partial<KeyPress> = {}) => commandFor("browse", press(key, extra), REASONS, DEFAULT_KEYMAP, { ...NO_ITEM_KEYS, formQuestions: 3, checkingClaims: true });
    expect(checking("1"), "1 before the form's digit").toEqual({ type: "claimVerdict", verdict: "supported" });
    expect(checking("2")).toEqual({ type: "claimVerdict", verdict: "unsupported" });
    expect(checking("3")).toEqual({ type: "claimVerdict", verdict: "contradicted" });
    expect(checking("4")).toEqual({ type: "claimVerdict", verdict: "not-checkable" });
    expect(checking("5"), "a digit claims do not use answers the form").toEqual({ type: "formDigit", digit: 5 });
    expect(checking("j"), "j moves between claims, not items").toEqual({ type: "claimMove", delta: 1 });
    expect(checking("ArrowUp")).toEqual({ type: "claimMove", delta: -1 });
    expect(checking("j", { repeat: true }), "a held j keeps moving").toEqual({ type: "claimMove", delta: 1 });
    expect(checking("l")).toEqual({ type: "claimLink" });
    expect(checking("m")).toEqual({ type: "claimMerge" });
    expect(checking("b")).toEqual({ type: "claimSplit" });
    expect(checking("L", { shiftKey: true }), "L as the legend shows it").toEqual({ type: "claimLink" });
    expect(checking("Escape"), "Esc is done checking").toEqual({ type: "claimsDone" });
    expect(checking("c"), "so is c again").toEqual({ type: "claimsDone" });
    expect(checking("a"), "decision keys keep their meaning").toEqual({ type: "approve" });
    expect(checking("1", { repeat: true }), "a held digit gives no more verdicts").toBeNull();
    expect(checking("1", { focus: "text" }), "typing in a field is typing").toBeNull();
    expect(run("browse", "l"), "without checking, l is free").toBeNull();
  });

  it("on a comparison, 1–4 pick the best candidate and = marks a tie, as typed on the page", () => {
    const comparing = (key: string, extra: Partial<KeyPress> = {}) => commandFor("browse", press(key, extra), REASONS, DEFAULT_KEYMAP, { ...NO_ITEM_KEYS, candidates: 3 });
    expect(comparing("1"), "1 picks candidate 1").toEqual({ type: "pickBest", candidate: 1 });
    expect(comparing("3")).toEqual({ type: "pickBest", candidate: 3 });
    expect(comparing("4"), "past the candidates: picked, then refused with a note (comparisonPicks.ts)").toEqual({ type: "pickBest", candidate: 4 });
    expect(comparing("5"), "no comparison has a fifth candidate").toBeNull();
    expect(comparing("="), "= is the tie key").toEqual({ type: "tie" });
    expect(run("browse", "="), "= on any item (it explains itself there)").toEqual({ type: "tie" });
    expect(comparing("a"), "the approve key is still approve (refused on a comparison)").toEqual({ type: "approve" });
    expect(comparing("e"), "and e still edits").toEqual({ type: "edit" });
    expect(comparing("2", { focus: "text" }), "typing in a field is typing").toBeNull();
    expect(comparing("2", { ctrlKey: true }), "a chord is not a pick").toBeNull();
    expect(comparing("2", { repeat: true }), "a held digit picks once").toBeNull();
    expect(comparing("2", { focus: "button" }), "from a button, as the approve key").toEqual({ type: "pickBest", candidate: 2 });
    expect(run("browse", "2"), "on an answer, digits pick nothing").toBeNull();
  });

  it("ignores unrelated keys and Enter", () => {
    for (const key of ["q", "1", "Enter", " "]) {
      expect(run("browse", key), `${JSON.stringify(key)} does nothing in browse mode`).toBeNull();
    }
  });

  it("Escape goes back (to the graph, when the item was opened there), except from the search box", () => {
    expect(run("browse", "Escape")).toEqual({ type: "cancel" });
    expect(run("browse", "Escape", { focus: "text" })).toBeNull();
  });
});

describe("graph mode", () => {
  it("Ctrl+Shift+G opens the graph from browsing and closes it again", () => {
    expect(run("browse", "G", { ctrlKey: true, shiftKey: true })).toEqual({ type: "graph" });
    expect(run("graph", "G", { ctrlKey: true, shiftKey: true })).toEqual({ type: "graph" });
  });

  it("hands its own keys to the graph, Escape included, and no review key acts behind it", () => {
    expect(run("graph", "ArrowRight")).toEqual({ type: "graphKey", key: { type: "move", direction: "right" } });
    expect(run("graph", "Enter")).toEqual({ type: "graphKey", key: { type: "open" } });
    expect(run("graph", "Escape", { focus: "text" }), "Esc from the domain filter").toEqual({ type: "graphKey", key: { type: "back" } });
    expect(run("graph", "a"), "no approving an item not on screen").toBeNull();
  });

  it("undoes and redoes the reviewer's latest step from the graph (a bulk approval as a whole)", () => {
    expect(run("graph", "z", { ctrlKey: true })).toEqual({ type: "undo" });
    expect(run("graph", "Z", { ctrlKey: true, shiftKey: true })).toEqual({ type: "redo" });
    expect(run("graph", "z", { ctrlKey: true, focus: "text" }), "not while typing in a filter").toBeNull();
  });

  it("in approve-by-rule, Esc goes back to the graph and Ctrl+Enter submits; plain keys type the rule", () => {
    expect(run("rule", "Escape", { focus: "text" })).toEqual({ type: "cancel" });
    expect(run("rule", "Enter", { ctrlKey: true, focus: "text" })).toEqual({ type: "save" });
    expect(run("rule", "b", { focus: "text" }), "no graph key behind the dialog").toBeNull();
    expect(run("rule", "Enter", { focus: "text" }), "Enter submits the form itself").toBeNull();
  });

  it("leaves typing in a filter and pressing a focused button alone", () => {
    expect(run("graph", "ArrowDown", { focus: "text" }), "the domain list").toBeNull();
    expect(run("graph", "Enter", { focus: "button" }), "the button's own Enter").toBeNull();
  });
});

describe("edit mode", () => {
  it("saves with Ctrl+Enter or Cmd+Enter, also from inside the editor", () => {
    expect(run("edit", "Enter", { ctrlKey: true, focus: "text" }), "Ctrl+Enter in the textarea").toEqual({ type: "save" });
    expect(run("edit", "Enter", { metaKey: true, focus: "text" }), "Cmd+Enter in the textarea").toEqual({ type: "save" });
    expect(run("edit", "Enter", { ctrlKey: true }), "Ctrl+Enter outside the editor").toEqual({ type: "save" });
  });

  it("cancels with Escape", () => {
    expect(run("edit", "Escape", { focus: "text" }), "Esc in the editor").toEqual({ type: "cancel" });
  });

  it("leaves typing alone: plain Enter, letters and browse keys do nothing", () => {
    for (const key of ["Enter", "a", "e", "r", "j", "k", "ArrowDown"]) {
      expect(run("edit", key, { focus: "text" }), `${key} is text while editing`).toBeNull();
    }
    expect(run("edit", "Enter", { ctrlKey: true, altKey: true }), "Ctrl+Alt+Enter is not the save chord").toBeNull();
  });
});

describe("choosing the candidate an edit starts from", () => {
  const choosing = (key: string, extra: Partial<KeyPress> = {}) => commandFor("choose-candidate", press(key, extra), REASONS, DEFAULT_KEYMAP, { ...NO_ITEM_KEYS, candidates: 3 });

  it("takes a candidate's digit, within the candidates", () => {
    expect(choosing("2")).toEqual({ type: "editCandidate", candidate: 2 });
    expect(choosing("3")).toEqual({ type: "editCandidate", candidate: 3 });
    expect(choosing("4"), "there are three").toBeNull();
  });

  it("cancels with Escape and takes no review key", () => {
    expect(choosing("Escape")).toEqual({ type: "cancel" });
    for (const key of ["a", "e", "r", "=", "j"]) expect(choosing(key), `${key} does nothing behind the prompt`).toBeNull();
    expect(choosing("2", { ctrlKey: true }), "a chord is not a choice").toBeNull();
  });
});

describe("reject mode", () => {
  it("picks a reason by its digit", () => {
    expect(run("reject", "1"), "1 picks the first reason").toEqual({ type: "pickReason", index: 0 });
    expect(run("reject", "2"), "2 picks the second reason").toEqual({ type: "pickReason", index: 1 });
    expect(run("reject", "7"), "7 picks the last reason").toEqual({ type: "pickReason", index: 6 });
  });

  it("ignores digits past the number of reasons", () => {
    expect(run("reject", "8"), "there is no eighth reason").toBeNull();
    expect(commandFor("reject", press("3"), 2, DEFAULT_KEYMAP), "with two reasons, 3 means nothing").toBeNull();
  });

  it("moves through the reasons with the arrow keys", () => {
    expect(run("reject", "ArrowDown"), "down").toEqual({ type: "moveReason", delta: 1 });
    expect(run("reject", "ArrowUp"), "up").toEqual({ type: "moveReason", delta: -1 });
  });

  it("confirms with Enter outside the note, Ctrl+Enter anywhere", () => {
    expect(run("reject", "Enter"), "Enter on the reason list").toEqual({ type: "confirm" });
    expect(run("reject", "Enter", { focus: "text" }), "Enter in the note is a new line").toBeNull();
    expect(run("reject", "Enter", { ctrlKey: true, focus: "text" }), "Ctrl+Enter in the note").toEqual({ type: "confirm" });
    expect(run("reject", "Enter", { metaKey: true }), "Cmd+Enter").toEqual({ type: "confirm" });
  });

  it("lets Enter press a focused button instead of confirming", () => {
    expect(run("reject", "Enter", { focus: "button" }), "Enter on Cancel must not reject").toBeNull();
  });

  it("cancels with Escape, even from the note", () => {
    expect(run("reject", "Escape"), "Esc").toEqual({ type: "cancel" });
    expect(run("reject", "Escape", { focus: "text" }), "Esc in the note").toEqual({ type: "cancel" });
  });

  it("treats digits and arrows typed into the note as text", () => {
    for (const key of ["2", "ArrowDown", "a"]) {
      expect(run("reject", key, { focus: "text" }), `${key} in the note`).toBeNull();
    }
  });

  it("does not take browse keys", () => {
    for (const key of ["a", "e", "r", "j", "k"]) {
      expect(run("reject", key), `${key} while the dialog is open`).toBeNull();
    }
  });

  it("ignores digits held with a modifier", () => {
    expect(run("reject", "2", { ctrlKey: true }), "Ctrl+2").toBeNull();
  });
});

describe("confirming an approval with doubtful claims", () => {
  it("Enter or the approve key approves, Esc goes back, other keys do nothing", () => {
    expect(run("confirm-approve", "Enter")).toEqual({ type: "confirm" });
    expect(run("confirm-approve", "a"), "the approve key again").toEqual({ type: "confirm" });
    expect(run("confirm-approve", "Escape")).toEqual({ type: "cancel" });
    expect(run("confirm-approve", "Enter", { focus: "button" }), "Enter on Back presses Back").toBeNull();
    expect(run("confirm-approve", "a", { repeat: true }), "a held a does not confirm").toBeNull();
    expect(run("confirm-approve", "j"), "no navigation behind the question").toBeNull();
  });
});

describe("needs-SME and help dialogs", () => {
  it("the SME question saves with Ctrl+Enter and cancels with Escape", () => {
    expect(run("sme", "Enter", { ctrlKey: true, focus: "text" }), "Ctrl+Enter").toEqual({ type: "save" });
    expect(run("sme", "Escape", { focus: "text" }), "Esc").toEqual({ type: "cancel" });
    expect(run("sme", "a", { focus: "text" }), "typing").toBeNull();
  });

  it("the cheat sheet closes with Escape or its own key", () => {
    expect(run("help", "Escape"), "Esc").toEqual({ type: "cancel" });
    expect(run("help", "?", { shiftKey: true }), "?").toEqual({ type: "cancel" });
    expect(run("help", "a"), "no decisions behind the dialog").toBeNull();
  });
});

describe("focusKind", () => {
  it("classifies text fields, buttons and everything else", () => {
    expect(focusKind({ tagName: "TEXTAREA" } as unknown as EventTarget), "textarea").toBe("text");
    expect(focusKind({ tagName: "input" } as unknown as EventTarget), "input, any case").toBe("text");
    expect(focusKind({ tagName: "SELECT" } as unknown as EventTarget), "select").toBe("text");
    expect(focusKind({ tagName: "DIV", isContentEditable: true } as unknown as EventTarget), "contenteditable").toBe("text");
    expect(focusKind({ tagName: "BUTTON" } as unknown as EventTarget), "button").toBe("button");
    expect(focusKind({ tagName: "INPUT", type: "checkbox" } as unknown as EventTarget), "a checkbox takes no typing").toBe("button");
    expect(focusKind({ tagName: "BODY" } as unknown as EventTarget), "body").toBe("other");
    expect(focusKind(null), "no target").toBe("other");
  });
});

describe("file actions and the export dialog", () => {
  it("Ctrl+O imports, Ctrl+Shift+E opens the export dialog, Ctrl+B backs up", () => {
    expect(run("browse", "o", { ctrlKey: true }), "Ctrl+O").toEqual({ type: "import" });
    expect(run("browse", "E", { ctrlKey: true, shiftKey: true }), "Ctrl+Shift+E, not plain E (edit)").toEqual({ type: "export" });
    expect(run("browse", "b", { metaKey: true }), "Cmd counts as Ctrl").toEqual({ type: "backup" });
    expect(run("browse", "O", { ctrlKey: true, shiftKey: true }), "Ctrl+Shift+O adds data products").toEqual({ type: "products" });
  });

  it("in the export dialog only Esc and Ctrl+Enter act, so typing cannot decide an item", () => {
    expect(run("export", "Escape")).toEqual({ type: "cancel" });
    expect(run("export", "Enter", { ctrlKey: true })).toEqual({ type: "save" });
    expect(run("export", "a"), "A must not approve behind the dialog").toBeNull();
    expect(run("export", "o", { ctrlKey: true }), "no second import from inside the dialog").toBeNull();
  });
});

describe("guidelines key", () => {
  it("G opens the guidelines, but not while typing", () => {
    expect(run("browse", "g")).toEqual({ type: "guidelines" });
    expect(run("browse", "g", { focus: "text" }), "typing a g into a field").toBeNull();
  });
});

describe("the reviewer dialog", () => {
  it("Ctrl+Shift+R switches reviewer; in the dialog only Esc and Ctrl+Enter act", () => {
    expect(run("browse", "R", { ctrlKey: true, shiftKey: true })).toEqual({ type: "reviewer" });
    expect(run("reviewer", "Enter", { ctrlKey: true })).toEqual({ type: "save" });
    expect(run("reviewer", "Escape")).toEqual({ type: "cancel" });
    expect(run("reviewer", "a"), "typing a name decides nothing").toBeNull();
  });

  it("sync keys pack and merge", () => {
    expect(run("browse", "P", { ctrlKey: true, shiftKey: true })).toEqual({ type: "pack" });
    expect(run("browse", "M", { ctrlKey: true, shiftKey: true })).toEqual({ type: "merge" });
  });
});

describe("the stats dashboard", () => {
  it("opens with Ctrl+Shift+D from browse mode, not from a text field", () => {
    expect(run("browse", "D", { ctrlKey: true, shiftKey: true }), "Ctrl+Shift+D").toEqual({ type: "stats" });
    expect(run("browse", "d", { metaKey: true, shiftKey: true }), "Cmd+Shift+D").toEqual({ type: "stats" });
    expect(run("browse", "D", { ctrlKey: true, shiftKey: true, focus: "text" }), "typed into the search box").toBeNull();
  });

  it("closes with Escape or its own key", () => {
    expect(run("stats", "Escape"), "Esc").toEqual({ type: "cancel" });
    expect(run("stats", "D", { ctrlKey: true, shiftKey: true }), "Ctrl+Shift+D again").toEqual({ type: "cancel" });
    expect(commandFor("stats", press("g"), REASONS, withOverrides([{ action: "stats", binding: "g" }])), "a rebound key closes too").toEqual({
      type: "cancel",
    });
  });

  it("does not decide, move, undo or open anything while shown", () => {
    for (const key of ["a", "e", "r", "n", "s", "j", "k", "ArrowDown", "Enter", "?", "/", "f"]) {
      expect(run("stats", key), `${key} behind the dashboard`).toBeNull();
    }
    expect(run("stats", "z", { ctrlKey: true }), "no undo from the dashboard").toBeNull();
    expect(run("stats", "o", { ctrlKey: true }), "no import from the dashboard").toBeNull();
  });
});

describe("runCommand", () => {
  /** A table whose every entry records the command it got (the compiler checks a real table is complete). */
  function recordingTable(): { table: CommandTable; ran: KeyCommand[] } {
    const ran: KeyCommand[] = [];
    const record = (command: KeyCommand) => void ran.push(command);
    const types = [...KEYMAP_ACTIONS, "save", "cancel", "confirm", "pickReason", "moveReason"] as const;
    const table: CommandTable = Object.fromEntries(types.map((type) => [type, record])) as Record<KeyCommand["type"], typeof record>;
    return { table, ran };
  }

  it("runs the entry of the command's type, with the command", () => {
    const { table, ran } = recordingTable();
    runCommand(table, { type: "pickReason", index: 2 });
    runCommand(table, { type: "approve" });
    expect(ran, "the reason picked reaches its handler").toEqual([{ type: "pickReason", index: 2 }, { type: "approve" }]);
  });
});
