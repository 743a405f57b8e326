/// <reference types="vite/client" />
// The shell's commands are listed once, in src-tauri/src/command_list.rs (build.rs and main.rs
// expand that list). The other places that name every command are checked against it here: the
// capability that allows them, the API module that invokes them, and the dev mock that answers
// them. Files are read as text through Vite's `?raw` (no Node types in this project).
import { describe, expect, it } from "vitest";
import commandListSource from "../../src-tauri/src/command_list.rs?raw";
import capabilitySource from "../../src-tauri/capabilities/default.json?raw";
import { createMockBackend } from "../dev/mockBackend";
import apiSource from "./api.ts?raw";

const uiSources = import.meta.glob<string>(["./**/*.ts", "./**/*.tsx", "../dev/**/*.ts"], { query: "?raw", import: "default", eager: true });

/** The idents of `with_app_commands!` in command_list.rs, in order. */
function parseCommandList(source: string): string[] {
  const code = source.replace(/\/\/.*$/gm, "");
  const macro = /macro_rules!\s*with_app_commands\s*\{[\s\S]*?\$callback!\s*\[([^\]]*)\]/.exec(code);
  if (macro === null) throw new Error("command_list.rs: no `$callback![…]` inside `macro_rules! with_app_commands`");
  const names = macro[1]!.split(",").map((name) => name.trim()).filter((name) => name !== "");
  const malformed = names.filter((name) => !/^[a-z][a-z0-9_]*$/.test(name));
  if (malformed.length > 0) throw new Error(`command_list.rs: not command idents: ${malformed.join(", ")}`);
  return names;
}

/** The command names `api.ts` passes to `invoke` or to its wrappers (functions taking `command: string` first). */
function invokedCommands(source: string): { names: string[]; dynamic: string[] } {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const wrappers = [...code.matchAll(/function\s+(\w+)\s*(?:<[^>]*>)?\(\s*command\s*:\s*string\b/g)].map((m) => m[1]!);
  // Calls only: `function call(` is the wrapper's definition.
  const callee = new RegExp(`(?<!function\\s+)\\b(${["invoke", ...wrappers].join("|")})\\s*(?:<[^>()]*>)?\\(\\s*([^,)]*)`, "g");
  const names: string[] = [];
  const dynamic: string[] = [];
  for (const [, fn, rawArg] of code.matchAll(callee)) {
    const arg = rawArg!.trim();
    const literal = /^(["'`])([^"'`$]*)\1$/.exec(arg);
    if (literal !== null) names.push(literal[2]!);
    // Only a wrapper forwarding its own `command` parameter may pass a non-literal name.
    else if (arg !== "command") dynamic.push(`${fn}(${arg}`);
  }
  return { names, dynamic };
}

/** How `actual` (the names found in `where`) differs from the command list; empty when it agrees. */
function difference(commands: readonly string[], actual: readonly string[], where: string): string[] {
  const missing = commands.filter((name) => !actual.includes(name));
  const extra = [...new Set(actual.filter((name) => !commands.includes(name)))];
  return [...missing.map((name) => `missing from ${where}: ${name}`), ...extra.map((name) => `in ${where} but not in command_list.rs: ${name}`)];
}

const duplicates = (names: readonly string[]) => [...new Set(names.filter((name, i) => names.indexOf(name) !== i))];

const COMMANDS = parseCommandList(commandListSource);

describe("src-tauri/src/command_list.rs", () => {
  it("lists each command once", () => {
    expect(COMMANDS.length, "the command list parsed empty").toBeGreaterThan(0);
    expect(duplicates(COMMANDS), "commands listed twice in command_list.rs").toEqual([]);
  });

  it("is what capabilities/default.json allows, nothing more", () => {
    const permissions = (JSON.parse(capabilitySource) as { permissions: unknown[] }).permissions;
    const granted = permissions.map((p) => (typeof p === "string" ? p : JSON.stringify(p)));
    const expected = COMMANDS.map((name) => `allow-${name.replace(/_/g, "-")}`);
    expect(difference(expected, granted, "capabilities/default.json"), "allow-<command-with-dashes> for each listed command").toEqual([]);
    expect(duplicates(granted), "permissions granted twice in capabilities/default.json").toEqual([]);
  });

  it("is what ui/src/api.ts invokes, nothing more", () => {
    const { names, dynamic } = invokedCommands(apiSource);
    expect(dynamic, "api.ts invokes commands whose name is not a string literal").toEqual([]);
    expect(difference(COMMANDS, names, "ui/src/api.ts"), "commands invoked by ui/src/api.ts").toEqual([]);
  });

  it("leaves invoking to ui/src/api.ts", () => {
    const importers = Object.entries(uiSources)
      .filter(([path, source]) => path !== "./api.ts" && /import\s*\{[^}]*\binvoke\b[^}]*\}\s*from\s*["']@tauri-apps\/api\/core["']/.test(source))
      .map(([path]) => path);
    expect(importers, "modules importing invoke besides api.ts").toEqual([]);
  });

  it("is what ui/dev/mockBackend.ts answers, nothing more", () => {
    const backend = createMockBackend({ copies: 1, reviewer: "dana.reviewer" });
    expect(difference(COMMANDS, backend.commands, "ui/dev/mockBackend.ts"), "commands answered by ui/dev/mockBackend.ts").toEqual([]);
  });
});

describe("the parsers", () => {
  it("read the macro's idents, skipping comments", () => {
    const source = "macro_rules! with_app_commands {\n ($callback:ident) => {\n $callback![\n a_b, // note, with comma\n c,\n ]\n };\n}";
    expect(parseCommandList(source)).toEqual(["a_b", "c"]);
  });

  it("find literal names passed to invoke and to its wrappers", () => {
    const source = [
      "async function call<T>(command: string, args?: InvokeArgs): Promise<T> { return await invoke<T>(command, args); }",
      "function startJob(command: string, args: InvokeArgs) { return call(command, args); }",
      'export const a = () => call("a");',
      'export const b = () => startJob("b", {});',
      "export const c = () => invoke('c', { x: 1 });",
      "/** call(\"not_me\") */",
      "export const d = (name: string) => call(name);",
    ].join("\n");
    expect(invokedCommands(source)).toEqual({ names: ["a", "b", "c"], dynamic: ["call(name"] });
  });
});
