// The header's menus (File, Models, Help): sections of entries, a keymap action's entry shown
// with its shortcut. A WAI-ARIA menu button: Enter/Space/ArrowDown open it, arrows move, Enter
// picks, Esc closes.
import { Fragment, useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { KeyCommand } from "../keyboard";
import { keyLabel, type Keymap, type KeymapAction } from "../keymap";
import { Kbd } from "./Badges";

export interface MenuEntry {
  action: KeymapAction;
  label: string;
}

/** An entry that is not a keymap action (open a recent database, About). */
export interface MenuItem {
  /** `header-${id}` is its test id. */
  id: string;
  label: string;
  /** A second, dimmer line (a recent database's folder). */
  detail?: string;
  onSelect: () => void;
}

/** A group of entries, with a heading when it has one ("Open recent"). */
export interface MenuSection {
  heading?: string;
  items: readonly MenuItem[];
}

export const FILE_MENU: readonly MenuEntry[] = [
  { action: "import", label: "Import items…" },
  { action: "export", label: "Export for fine-tuning…" },
  { action: "products", label: "Add data products…" },
  { action: "discover", label: "Discover relationships" },
  { action: "graph", label: "Relationship graph" },
  { action: "backup", label: "Back up the database…" },
  { action: "pack", label: "Sync: pack my decisions…" },
  { action: "merge", label: "Sync: merge a bundle…" },
];

export const MODELS_MENU: readonly MenuEntry[] = [
  { action: "run-model", label: "Run a model: vet, relate, generate…" },
  { action: "providers", label: "LLM providers and API keys…" },
  { action: "prompts", label: "Prompts per domain…" },
  { action: "forms", label: "Review form per domain…" },
];

interface HeaderMenuProps {
  /** The button's text (without the ▾) and the menu's accessible name. */
  title: string;
  /** `header-${name}` is the button's test id. */
  name: string;
  /** Sections shown before the keymap entries, each after a separator. */
  sections?: readonly MenuSection[];
  entries: readonly MenuEntry[];
  keymap: Keymap;
  onCommand: (command: KeyCommand) => void;
}

export function HeaderMenu({ title, name, sections = [], entries, keymap, onCommand }: HeaderMenuProps) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const items = () => [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];

  useEffect(() => {
    if (!open) return;
    items()[0]?.focus();
    const close = (event: MouseEvent) => {
      if (!menu.current?.contains(event.target as Node) && event.target !== button.current) setOpen(false);
    };
    window.addEventListener("mousedown", close);
    return () => window.removeEventListener("mousedown", close);
  }, [open]);

  const pick = (run: () => void) => {
    setOpen(false);
    button.current?.focus();
    run();
  };

  // Menu keys stay here: the review keys must not act while the menu is open.
  const onMenuKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const all = items();
    const at = all.indexOf(document.activeElement as HTMLButtonElement);
    const move = (to: number) => all[(to + all.length) % all.length]?.focus();
    const handled: Record<string, () => void> = {
      ArrowDown: () => move(at + 1),
      ArrowUp: () => move(at - 1),
      Home: () => move(0),
      End: () => move(all.length - 1),
      Escape: () => {
        setOpen(false);
        button.current?.focus();
      },
      Tab: () => setOpen(false),
    };
    // Every key stops here (Enter and Space still click the focused item by default).
    event.stopPropagation();
    const run = handled[event.key];
    if (run === undefined) return;
    if (event.key !== "Tab") event.preventDefault();
    run();
  };

  return (
    <div className="file-menu">
      <button
        ref={button}
        type="button"
        className={open ? "button button-small button-toggle-on" : "button button-small"}
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid={`header-${name}`}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown") {
            event.preventDefault();
            event.stopPropagation();
            setOpen(true);
          }
        }}
      >
        {title} ▾
      </button>
      {open && (
        <div ref={menu} className="file-menu-list" role="menu" aria-label={title} onKeyDown={onMenuKey}>
          {sections.map((section, s) => (
            <Fragment key={s}>
              {s > 0 && <div role="separator" className="file-menu-separator" />}
              {section.heading !== undefined && (
                <div className="file-menu-heading" aria-hidden="true">
                  {section.heading}
                </div>
              )}
              {section.items.map(({ id, label, detail, onSelect }) => (
                <button key={id} type="button" role="menuitem" className="file-menu-item" data-testid={`header-${id}`} title={detail} aria-label={section.heading === undefined ? label : `${section.heading}: ${label}`} onClick={() => pick(onSelect)}>
                  <span>{label}</span>
                  {detail !== undefined && <span className="file-menu-detail">{detail}</span>}
                </button>
              ))}
            </Fragment>
          ))}
          {sections.length > 0 && entries.length > 0 && <div role="separator" className="file-menu-separator" />}
          {entries.map(({ action, label }) => {
            const key = keymap[action][0];
            return (
              <button key={action} type="button" role="menuitem" className="file-menu-item" data-testid={`header-${action}`} onClick={() => pick(() => onCommand({ type: action }))}>
                <span>{label}</span>
                {key !== undefined && <Kbd>{keyLabel(key)}</Kbd>}
              </button>
            );
          })}
        </div>
      )}
    </div>
  );
}
