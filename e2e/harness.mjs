// Drives the real Vetted binary: tauri-driver (port 4444) → WebKitWebDriver → vetted-app.
// Every test gets its own temporary database seeded from the demo fixture, and every app start
// its own config and data folders (the recent list never lands in the real ~/.config).
//
// VETTED_E2E_APP / VETTED_E2E_CLI choose the binaries (default: the debug builds in target/),
// e.g. VETTED_E2E_APP=/usr/bin/vetted-app VETTED_E2E_CLI=/usr/bin/vetted for an installed package.
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import net from 'node:net';
import { remote } from 'webdriverio';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const appBinary = resolve(process.env.VETTED_E2E_APP || join(root, 'target/debug/vetted-app'));
export const cliBinary = resolve(process.env.VETTED_E2E_CLI || join(root, 'target/debug/vetted'));
export const artifacts = join(root, 'target/e2e');
mkdirSync(artifacts, { recursive: true });
/**
 * Where the drivers' and the app's output goes (e2e/run.sh names one folder per suite run and
 * prints it when the suite fails). Never the test process's own stdout/stderr: a process that
 * outlives its test would hold the test runner's pipe open and hang it (issue #15).
 */
const driverLogs = process.env.VETTED_E2E_LOGS ?? join(artifacts, 'logs');
mkdirSync(driverLogs, { recursive: true });

/**
 * WebDriver's answer to any one command must come within this, or the command fails: 60 s, or
 * VETTED_E2E_COMMAND_TIMEOUT_MS (the reaping check's hanging probe sets it lower, so as not to
 * wait a minute for a hang it provokes).
 */
const COMMAND_TIMEOUT_MS = Number(process.env.VETTED_E2E_COMMAND_TIMEOUT_MS) > 0 ? Number(process.env.VETTED_E2E_COMMAND_TIMEOUT_MS) : 60_000;

/**
 * Process groups (tauri-driver → WebKitWebDriver → the app and WebKit's processes) started here
 * and not yet stopped. Whatever way this test process ends, none of them outlives it.
 */
const liveGroups = new Set();
function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
process.on('exit', () => {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.once(signal, () => process.exit(128 + constants.signals[signal]));
}

export const chinook = join(root, '../shared/datasets/chinook/Chinook_Sqlite.sqlite');

/** A fresh database seeded from the demo fixture (or `fixture`), with `products` registered. */
export function seededDb(fixture = join(root, 'demo/demo-items.jsonl'), products = []) {
  const dir = mkdtempSync(join(tmpdir(), 'vetted-e2e-'));
  const db = join(dir, 'vetted.db');
  execFileSync(cliBinary, ['--db', db, 'import', fixture], { stdio: 'pipe' });
  if (products.length > 0) {
    execFileSync(cliBinary, ['--db', db, 'products', 'add', ...products], { stdio: 'pipe' });
  }
  return db;
}

/**
 * Writes `n` answer items made from the first demo item to a JSONL file (in a new temp dir unless
 * `path` is given): ids `${prefix}-0` …, each with a distinct question, plus `fields`.
 */
export function answerItemsFile(prefix, n, { path = null, fields = {} } = {}) {
  const demo = JSON.parse(readFileSync(join(root, 'demo/demo-items.jsonl'), 'utf8').split('\n')[0]);
  const file = path ?? join(mkdtempSync(join(tmpdir(), 'vetted-items-')), 'items.jsonl');
  const lines = [];
  for (let i = 0; i < n; i++) {
    lines.push(JSON.stringify({ ...demo, ...fields, id: `${prefix}-${i}`, question: `${demo.question} (${prefix} ${i})` }));
  }
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Runs SQL against the database with Python's sqlite3 (independent of Vetted's own code). */
export function sql(db, query) {
  const out = execFileSync('python3', ['-c', `
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.row_factory = sqlite3.Row
print(json.dumps([dict(r) for r in conn.execute(sys.argv[2])]))
`, db, query]);
  return JSON.parse(out.toString());
}

function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((ok, fail) => {
    const attempt = () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.end(); ok(); });
      socket.once('error', () => {
        if (Date.now() > deadline) fail(new Error(`port ${port} did not open in ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/** Resolves once nothing listens on `port` any more (a previous session's driver is gone). */
async function waitForPortFree(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listening = await new Promise((ok) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.end(); ok(true); });
      socket.once('error', () => ok(false));
    });
    if (!listening) return;
    if (Date.now() > deadline) throw new Error(`port ${port} is still in use after ${timeoutMs} ms: a WebDriver from an earlier session is still running`);
    await sleep(200);
  }
}

/** Fresh, empty config and data folders (XDG_CONFIG_HOME, XDG_DATA_HOME) for one app start. */
export function freshHome() {
  const dir = mkdtempSync(join(tmpdir(), 'vetted-e2e-home-'));
  mkdirSync(join(dir, 'config'));
  mkdirSync(join(dir, 'data'));
  return { XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') };
}

/**
 * Starts the app (`binary`: VETTED_E2E_APP, else the debug build) on `db` (VETTED_DB; `null`
 * starts it without one, on the welcome screen), with `args` after the binary
 * (`vetted-app PATH`); returns the WebdriverIO browser and a stop function. Config and data
 * folders are fresh unless `env` names them. A session request that fails at the socket
 * (WebKitWebDriver not up yet, or gone) is made once more with fresh drivers, and says so.
 */
export async function startApp(db, env = {}, binary = appBinary, args = []) {
  try {
    return await startAppOnce(db, env, binary, args);
  } catch (e) {
    if (!String(e?.message).includes('UND_ERR_SOCKET')) throw e;
    console.error(`e2e: the WebDriver session could not be created (${e.message}); starting the drivers once more`);
    return startAppOnce(db, env, binary, args);
  }
}

async function startAppOnce(db, env, binary, args) {
  // tauri-driver (4444) and the WebKitWebDriver it starts (4445) of the previous test must be gone.
  await waitForPortFree(4444, 15000);
  await waitForPortFree(4445, 15000);
  const log = join(driverLogs, `driver-${process.pid}-${Date.now()}.log`);
  const out = openSync(log, 'a');
  const appEnv = { ...process.env, NO_AT_BRIDGE: '1', ...freshHome(), VETTED_REVIEWER: 'e2e-reviewer', ...env };
  if (db === null) delete appEnv.VETTED_DB;
  else appEnv.VETTED_DB = db;
  const driver = spawn('tauri-driver', [], {
    // NO_AT_BRIDGE: no accessibility bus for GTK (under a D-Bus session it is activated on demand
    // and slows every start).
    env: appEnv,
    stdio: ['ignore', out, out],
    // Its own process group: stopping it stops the whole tree, the app included.
    detached: true,
  });
  closeSync(out);
  liveGroups.add(driver.pid);
  const exited = new Promise((ok) => driver.once('exit', ok));
  /** SIGTERM first (tauri-driver then ends its WebKitWebDriver), then the rest of the group. */
  const stopDrivers = async () => {
    driver.kill('SIGTERM'); // never SIGKILL alone: it would orphan WebKitWebDriver on port 4445
    await Promise.race([exited, sleep(10_000)]);
    killGroup(driver.pid, 'SIGKILL');
    liveGroups.delete(driver.pid);
    await exited;
  };
  try {
    await waitForPort(4444, 15000);
    const browser = await remote({
      hostname: '127.0.0.1',
      port: 4444,
      logLevel: 'error',
      connectionRetryCount: 0,
      connectionRetryTimeout: COMMAND_TIMEOUT_MS,
      capabilities: {
        'tauri:options': { application: binary, args },
        'wdio:enforceWebDriverClassic': true,
      },
    });
    await browser.$('body[data-ready="true"]').waitForExist({ timeout: 20000 });
    const stop = async () => {
      await Promise.race([browser.deleteSession().catch(() => {}), sleep(10_000)]);
      await stopDrivers();
    };
    return { browser, stop };
  } catch (e) {
    await stopDrivers();
    throw e;
  }
}

/** Text of a count badge as a number. */
export async function count(browser, status) {
  return Number(await browser.$(`[data-testid="count-${status}"]`).getText());
}

export async function waitForCount(browser, status, expected) {
  await browser.waitUntil(async () => (await count(browser, status)) === expected, {
    timeout: 10000,
    timeoutMsg: `count-${status} never became ${expected}`,
  });
}

export async function selectedId(browser) {
  return browser.$('[data-testid="item-view"]').getAttribute('data-external-id');
}

/**
 * Replaces a field's text the way a user does (select all, type over it), so React sees every
 * change. WebDriver's clearValue sets the DOM value behind React's back: a controlled input can
 * then come back with its old text in front of the new one.
 */
export async function replaceText(browser, field, text) {
  await field.click();
  await browser.keys(['Control', 'a']);
  await field.addValue(text);
  let value = '';
  await browser.waitUntil(async () => (value = await field.getValue()) === text, {
    timeout: 5000,
    timeoutMsg: `the field holds "${text}" (it holds "${value}")`,
  });
}

/** Waits until a toast containing `contains` shows (up to `timeout` ms); returns its text. */
export async function toastText(browser, contains, timeout = 60000) {
  let last = '';
  await browser.waitUntil(async () => {
    const toast = browser.$('[data-testid="toast"]');
    last = (await toast.isExisting()) ? await toast.getText() : '';
    return last.includes(contains);
  }, { timeout, timeoutMsg: `a toast saying "${contains}" (last: "${last}")` });
  return last;
}

/**
 * Saves a screenshot once WebKit has painted the latest DOM (it can lag a frame under Xvfb).
 *
 * Without a GPU the app paints without compositing (src-tauri/src/rendering.rs), and there
 * WebKitGTK 2.50 answers WebDriver's screenshot only once the page paints again: on a page where
 * nothing changes (no caret blinking, no animation) it never answers (issue #15). So while the
 * screenshot is taken, a 1-pixel element in a corner changes its near-transparent colour every
 * frame; it is removed afterwards and is invisible in the picture.
 */
export async function screenshot(browser, name) {
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
  await sleep(250);
  await browser.execute(() => {
    const dot = document.createElement('div');
    dot.id = 'e2e-repaint';
    dot.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;z-index:2147483647';
    document.body.appendChild(dot);
    let odd = false;
    const tick = () => {
      if (!dot.isConnected) return;
      odd = !odd;
      dot.style.background = odd ? 'rgba(0,0,0,0.02)' : 'rgba(0,0,0,0.01)';
      requestAnimationFrame(tick);
    };
    tick();
  });
  try {
    await browser.saveScreenshot(join(artifacts, name));
  } finally {
    await browser.execute(() => document.getElementById('e2e-repaint')?.remove());
  }
}

export { sleep };
