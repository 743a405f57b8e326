// The reviewer's keymap: typed action ids, default bindings, user overrides (persisted in SQLite
// through the core) and conflict detection. A binding is a string such as "a", "?", "ArrowDown",
// "Ctrl+z" or "Ctrl+Shift+z"; `bindingOf` reduces a key press to the same spelling.
import type { KeyBinding } from "./bindings/KeyBinding";

export const KEYMAP_ACTIONS = [
  "approve",
  "tie",
  "edit",
  "reject",
  "needs-sme",
  "redact",
  "claims",
  "skip",
  "next",
  "previous",
  "undo",
  "redo",
  "search",
  "filter",
  "import",
  "export",
  "backup",
  "products",
  "discover",
  "guidelines",
  "pack",
  "merge",
  "reviewer",
  "run-model",
  "providers",
  "prompts",
  "forms",
  "stats",
  "graph",
  "help",
] as const;

export type KeymapAction = (typeof KEYMAP_ACTIONS)[number];

export type Keymap = Record<KeymapAction, readonly string[]>;

export const DEFAULT_KEYMAP: Keymap = {
  approve: ["a"],
  tie: ["="],
  edit: ["e"],
  reject: ["r"],
  "needs-sme": ["n"],
  redact: ["x"],
  claims: ["c"],
  skip: ["s"],
  next: ["j", "ArrowDown"],
  previous: ["k", "ArrowUp"],
  undo: ["Ctrl+z"],
  redo: ["Ctrl+Shift+z", "Ctrl+y"],
  search: ["/"],
  filter: ["f"],
  import: ["Ctrl+o"],
  export: ["Ctrl+Shift+e"],
  backup: ["Ctrl+b"],
  products: ["Ctrl+Shift+o"],
  discover: ["Ctrl+Shift+k"],
  guidelines: ["g"],
  pack: ["Ctrl+Shift+p"],
  merge: ["Ctrl+Shift+m"],
  reviewer: ["Ctrl+Shift+r"],
  "run-model": ["Ctrl+Shift+v"],
  providers: ["Ctrl+Shift+l"],
  prompts: ["Ctrl+Shift+t"],
  forms: ["Ctrl+Shift+f"],
  stats: ["Ctrl+Shift+d"],
  graph: ["Ctrl+Shift+g"],
  help: ["?"],
};

export const ACTION_LABEL: Record<KeymapAction, string> = {
  approve: "Approve",
  tie: "Comparison: the candidates tie (1–4 pick the best one)",
  edit: "Edit the answer, the relation or a comparison's candidate",
  reject: "Reject with a reason",
  "needs-sme": "Needs SME: ask an expert",
  redact: "Redact the answer's personal data and secrets into an edit",
  claims: "Check the answer claim by claim: 1–4 verdict, l link evidence, m merge, b split, Esc done",
  skip: "Skip without deciding",
  next: "Next item",
  previous: "Previous item",
  undo: "Undo my last decision",
  redo: "Redo",
  search: "Search",
  filter: "Focus the filters",
  import: "Import items from a file",
  export: "Export for fine-tuning",
  backup: "Back up the database",
  products: "Add data products (SQLite or CSV)",
  discover: "Discover relationships among the data products (no model)",
  guidelines: "Guidelines: open and write one",
  pack: "Sync: pack my decisions for another laptop",
  merge: "Sync: merge decisions from another laptop",
  reviewer: "Switch reviewer",
  "run-model": "Run a model: vet the queue, propose relationships, answer questions",
  providers: "LLM providers and API keys",
  prompts: "Prompts: a domain's own vetting, answering and relating prompts, versioned",
  forms: "Review form: the questions a domain asks with every decision, versioned",
  stats: "Stats dashboard (press again or Esc to go back)",
  graph: "Relationship graph (press again or Esc to go back)",
  help: "Show this cheat sheet",
};

/** Navigation repeats while a key is held; everything else fires once per press. */
export const REPEATABLE: ReadonlySet<KeymapAction> = new Set(["next", "previous"]);

export function isKeymapAction(value: string): value is KeymapAction {
  return (KEYMAP_ACTIONS as readonly string[]).includes(value);
}

export interface ChordPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/**
 * The binding a key press spells. Cmd counts as Ctrl. Letters are lower-cased and Shift is only
 * written with another modifier or a named key, so "A" (Shift+a) is "a" and "?" stays "?".
 */
export function bindingOf(press: ChordPress): string {
  const single = press.key.length === 1;
  const ctrl = press.ctrlKey || press.metaKey;
  const shift = press.shiftKey && (!single || ctrl || press.altKey);
  return [ctrl && "Ctrl", press.altKey && "Alt", shift && "Shift", single ? press.key.toLowerCase() : press.key]
    .filter((part): part is string => typeof part === "string")
    .join("+");
}

/**
 * The defaults with each stored override replacing its action's bindings; unknown ids are
 * ignored. A default binding an override claims is dropped from the action that has it by
 * default, so a key the reviewer chose keeps doing what they chose when a later version binds it
 * by default to a new action.
 */
export function withOverrides(overrides: readonly KeyBinding[]): Keymap {
  const keymap: Keymap = { ...DEFAULT_KEYMAP };
  const claimed = new Set<string>();
  for (const { action, binding } of overrides) {
    if (isKeymapAction(action)) {
      keymap[action] = [binding];
      claimed.add(binding);
    }
  }
  const overridden = new Set(overrides.map((o) => o.action));
  for (const action of KEYMAP_ACTIONS) {
    if (!overridden.has(action)) keymap[action] = keymap[action].filter((binding) => !claimed.has(binding));
  }
  return keymap;
}

/** The overrides to store for `keymap`: one per action whose bindings differ from the defaults. */
export function overridesOf(keymap: Keymap): KeyBinding[] {
  return KEYMAP_ACTIONS.filter((action) => keymap[action].join(" ") !== DEFAULT_KEYMAP[action].join(" ")).map((action) => ({
    action,
    binding: keymap[action][0] ?? "",
  }));
}

export interface Conflict {
  binding: string;
  actions: KeymapAction[];
}

/** Bindings claimed by more than one action (the defaults must have none). */
export function conflicts(keymap: Keymap): Conflict[] {
  const owners = new Map<string, KeymapAction[]>();
  for (const action of KEYMAP_ACTIONS) {
    for (const binding of keymap[action]) owners.set(binding, [...(owners.get(binding) ?? []), action]);
  }
  return [...owners].filter(([, actions]) => actions.length > 1).map(([binding, actions]) => ({ binding, actions }));
}

/** The action `binding` triggers, if any. */
export function actionFor(keymap: Keymap, binding: string): KeymapAction | null {
  return KEYMAP_ACTIONS.find((action) => keymap[action].includes(binding)) ?? null;
}

/** Keys a reviewer cannot take for an action: they belong to dialogs and text editing. */
const RESERVED = new Set(["Escape", "Enter", "Tab", "Ctrl+Enter", " "]);

/**
 * Rebinds `action` to `binding`, or explains why not: a reserved key, or a key another action
 * already uses (that action is named so the reviewer can rebind it first).
 */
export function rebind(keymap: Keymap, action: KeymapAction, binding: string): { keymap: Keymap } | { problem: string } {
  if (RESERVED.has(binding) || binding === "") return { problem: `${binding || "That key"} is reserved for dialogs and editing.` };
  const owner = actionFor(keymap, binding);
  if (owner !== null && owner !== action) return { problem: `${binding} already does “${ACTION_LABEL[owner]}”.` };
  return { keymap: { ...keymap, [action]: [binding] } };
}

/** A binding as shown on a key cap: single letters upper-cased ("Ctrl+z" → "Ctrl+Z"). */
export function keyLabel(binding: string): string {
  return binding.replace(/(^|\+)([a-z])$/, (_, sep: string, letter: string) => sep + letter.toUpperCase());
}
