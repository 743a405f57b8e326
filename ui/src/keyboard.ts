// Key → command mapping for each interaction mode. Pure: the DOM event is reduced to a KeyPress
// first, so every rule here is unit-tested without a browser. Browse mode follows the reviewer's
// keymap (keymap.ts); dialogs have fixed keys.
import { graphKeyOf, type GraphKey } from "./graphNav";
import type { ClaimVerdict } from "./bindings/ClaimVerdict";
import { VERDICT_DIGITS } from "./claimChecks";
import { MAX_CANDIDATES } from "./comparisonPicks";
import { REPEATABLE, actionFor, bindingOf, type Keymap, type KeymapAction } from "./keymap";

export type KeyMode = "browse" | "edit" | "choose-candidate" | "reject" | "sme" | "confirm-approve" | "help" | "export" | "reviewer" | "stats" | "graph" | "rule" | "providers" | "prompts" | "forms" | "llm-run";

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  /** Auto-repeat from a held key. */
  repeat: boolean;
  focus: FocusKind;
}

/** Where the key was typed: a text field (input, textarea, select, editable), a button, elsewhere. */
export type FocusKind = "text" | "button" | "other";

export type KeyCommand =
  | { type: KeymapAction }
  | { type: "save" }
  | { type: "cancel" }
  | { type: "confirm" }
  | { type: "pickReason"; index: number }
  | { type: "moveReason"; delta: 1 | -1 }
  | { type: "formDigit"; digit: number }
  | { type: "formMove"; delta: 1 | -1 }
  | { type: "pickBest"; candidate: number }
  | { type: "editCandidate"; candidate: number }
  | { type: "claimVerdict"; verdict: ClaimVerdict }
  | { type: "claimMove"; delta: 1 | -1 }
  | { type: "claimLink" }
  | { type: "claimMerge" }
  | { type: "claimSplit" }
  | { type: "claimsDone" }
  | { type: "graphKey"; key: GraphKey };

const TEXT_FIELD_TAGS = new Set(["INPUT", "TEXTAREA", "SELECT"]);

export function focusKind(target: EventTarget | null): FocusKind {
  const element = target as { tagName?: unknown; isContentEditable?: unknown; type?: unknown } | null;
  if (element === null || typeof element.tagName !== "string") return "other";
  const tag = element.tagName.toUpperCase();
  // A checkbox takes no typing: like a button, it leaves the review keys working.
  if (tag === "INPUT" && (element.type === "checkbox" || element.type === "radio")) return "button";
  if (TEXT_FIELD_TAGS.has(tag) || element.isContentEditable === true) return "text";
  return tag === "BUTTON" ? "button" : "other";
}

export function keyPressFrom(event: KeyboardEvent): KeyPress {
  return {
    key: event.key,
    ctrlKey: event.ctrlKey,
    metaKey: event.metaKey,
    altKey: event.altKey,
    shiftKey: event.shiftKey,
    repeat: event.repeat,
    focus: focusKind(event.target),
  };
}

/** What the shown item adds to the keys. */
export interface ShownItemKeys {
  /** How many questions its review form asks (0: none). */
  formQuestions: number;
  /** The claim keys are on (claimChecks.ts), and take precedence over the keymap while they are. */
  checkingClaims: boolean;
  /** How many candidates it offers (0: it is not a comparison). */
  candidates: number;
}

export const NO_ITEM_KEYS: ShownItemKeys = { formQuestions: 0, checkingClaims: false, candidates: 0 };

export function commandFor(mode: KeyMode, press: KeyPress, reasonCount: number, keymap: Keymap, shown: ShownItemKeys = NO_ITEM_KEYS): KeyCommand | null {
  switch (mode) {
    case "browse":
      return (
        (shown.checkingClaims ? claimCommand(press, keymap) : null) ??
        browseCommand(press, keymap) ??
        (shown.formQuestions > 0 ? formCommand(press, shown.formQuestions) : null) ??
        (shown.candidates > 0 ? pickCommand(press) : null)
      );
    case "choose-candidate":
      return candidateCommand(press, shown.candidates);
    case "confirm-approve":
      return confirmCommand(press, keymap);
    case "edit":
    case "sme":
    case "export":
    case "reviewer":
    case "providers":
    case "prompts":
    case "forms":
    case "llm-run":
    case "rule":
      return editCommand(press);
    case "reject":
      return rejectCommand(press, reasonCount);
    case "help":
    case "stats":
      return closeCommand(press, keymap[mode]);
    case "graph":
      return graphCommand(press, keymap);
  }
}

/**
 * The graph closes with the key that opened it, and undo and redo work there (a bulk approval is
 * undone from the graph it was made in); its own keys navigate (Esc steps back, then closes).
 */
function graphCommand(press: KeyPress, keymap: Keymap): KeyCommand | null {
  const binding = bindingOf(press);
  if (keymap.graph.includes(binding)) return { type: "graph" };
  if (press.focus !== "text" && (keymap.undo.includes(binding) || keymap.redo.includes(binding))) {
    return { type: keymap.undo.includes(binding) ? "undo" : "redo" };
  }
  if (press.focus === "text" && press.key !== "Escape") return null;
  // Enter on a focused button (a filter, Back) presses that button.
  if (press.focus === "button" && (press.key === "Enter" || press.key === " ")) return null;
  const key = graphKeyOf(press);
  return key === null ? null : { type: "graphKey", key };
}

/** A view that only closes: with Esc or the key that opened it. Nothing else acts behind it. */
function closeCommand(press: KeyPress, openedBy: readonly string[]): KeyCommand | null {
  return press.key === "Escape" || openedBy.includes(bindingOf(press)) ? { type: "cancel" } : null;
}

const hasModifier = (press: KeyPress) => press.ctrlKey || press.metaKey || press.altKey;
const isSaveChord = (press: KeyPress) => press.key === "Enter" && (press.ctrlKey || press.metaKey) && !press.altKey;

function browseCommand(press: KeyPress, keymap: Keymap): KeyCommand | null {
  if (press.focus === "text") return null;
  // Back to where the item was opened from (the graph), if anywhere.
  if (press.key === "Escape") return { type: "cancel" };
  const action = actionFor(keymap, bindingOf(press));
  if (action === null) return null;
  // A held key must not decide item after item.
  if (press.repeat && !REPEATABLE.has(action)) return null;
  return { type: action };
}

/** Keys the keymap leaves free answer the review form: digits the focused question, Tab moves on. */
function formCommand(press: KeyPress, questions: number): KeyCommand | null {
  if (press.focus === "text" || press.ctrlKey || press.metaKey || press.altKey) return null;
  // Tab moves between the form's questions only from the page itself: from a button or a field it
  // moves the focus, as everywhere.
  if (press.key === "Tab") return press.focus === "other" ? { type: "formMove", delta: press.shiftKey ? -1 : 1 } : null;
  if (/^[1-9]$/.test(press.key) && !press.repeat && questions > 0) return { type: "formDigit", digit: Number(press.key) };
  return null;
}

/** Keys the keymap leaves free pick a comparison's best candidate: 1–4, as the form's digits are typed. */
function pickCommand(press: KeyPress): KeyCommand | null {
  if (press.focus === "text" || hasModifier(press) || press.repeat || !/^[1-9]$/.test(press.key)) return null;
  const candidate = Number(press.key);
  return candidate <= MAX_CANDIDATES ? { type: "pickBest", candidate } : null;
}

/** Which candidate an edit starts from: its digit (within the `count` candidates); Esc cancels. */
function candidateCommand(press: KeyPress, count: number): KeyCommand | null {
  if (press.key === "Escape") return { type: "cancel" };
  if (press.focus === "text" || hasModifier(press) || press.repeat || !/^[1-9]$/.test(press.key)) return null;
  const candidate = Number(press.key);
  return candidate <= count ? { type: "editCandidate", candidate } : null;
}

/**
 * While the claims are checked: 1–4 give the focused claim a verdict, the next/previous keys move
 * between claims, `l` links, `m` merges, `b` splits, Esc or the claims key again is done. Other
 * keys (approve, reject…) keep their meaning.
 */
function claimCommand(press: KeyPress, keymap: Keymap): KeyCommand | null {
  if (press.focus === "text" || press.ctrlKey || press.metaKey || press.altKey) return null;
  const binding = bindingOf(press);
  if (press.key === "Escape" || keymap.claims.includes(binding)) return press.repeat ? null : { type: "claimsDone" };
  if (keymap.next.includes(binding)) return { type: "claimMove", delta: 1 };
  if (keymap.previous.includes(binding)) return { type: "claimMove", delta: -1 };
  if (press.repeat) return null;
  const verdict = VERDICT_DIGITS.find(([digit]) => digit === press.key)?.[1];
  if (verdict !== undefined) return { type: "claimVerdict", verdict };
  // Shown as L, M and B: either case (Caps Lock, Shift) works.
  const letter = press.key.toLowerCase();
  if (letter === "l") return { type: "claimLink" };
  if (letter === "m") return { type: "claimMerge" };
  if (letter === "b") return { type: "claimSplit" };
  return null;
}

/** Approving despite doubtful claims: Enter (or the approve key again) approves, Esc goes back. */
function confirmCommand(press: KeyPress, keymap: Keymap): KeyCommand | null {
  if (press.key === "Escape") return { type: "cancel" };
  if (press.repeat || press.focus === "text") return null;
  // Enter on a focused button presses that button (e.g. Back), it does not confirm.
  if (press.key === "Enter" && press.focus === "button" && !press.ctrlKey && !press.metaKey) return null;
  if (press.key === "Enter" || keymap.approve.includes(bindingOf(press))) return { type: "confirm" };
  return null;
}

function editCommand(press: KeyPress): KeyCommand | null {
  if (press.key === "Escape") return { type: "cancel" };
  if (isSaveChord(press)) return { type: "save" };
  return null;
}

function rejectCommand(press: KeyPress, reasonCount: number): KeyCommand | null {
  if (press.key === "Escape") return { type: "cancel" };
  if (isSaveChord(press)) return { type: "confirm" };
  if (hasModifier(press) || press.focus === "text") return null;
  // Enter on a focused button presses that button (e.g. Cancel), it does not confirm.
  if (press.key === "Enter") return press.focus === "button" ? null : { type: "confirm" };
  if (press.key === "ArrowDown") return { type: "moveReason", delta: 1 };
  if (press.key === "ArrowUp") return { type: "moveReason", delta: -1 };
  if (/^[1-9]$/.test(press.key)) {
    const index = Number(press.key) - 1;
    return index < reasonCount ? { type: "pickReason", index } : null;
  }
  return null;
}

/** One handler per command type: adding a keymap action makes the compiler ask for its entry. */
export type CommandTable = { [T in KeyCommand["type"]]: (command: Extract<KeyCommand, { type: T }>) => void };

/** Runs the table's handler of `command`'s type. */
export function runCommand(table: CommandTable, command: KeyCommand): void {
  // The compiler cannot pair `table[command.type]` with `command`; CommandTable's type does.
  (table[command.type] as (command: KeyCommand) => void)(command);
}
