// Keypress → next item painted, in the real window (a benchmark, not a test; not run by run.sh):
//
//   xvfb-run -a -s "-screen 0 1280x800x24" node e2e/bench-keypress.mjs DB [--presses 200] [--pause-ms 150] [--trace N] [--css RULES] [--comparisons] [--debug | --app PATH]
//
// Starts the app (target/release/vetted-app, or target/debug with --debug) on DB through
// tauri-driver, then presses the next key (`j`) and the approve key (`a`) `--presses` times each,
// one at a time: after each press it waits until the next item is painted, then `--pause-ms`.
// Each latency is measured inside the page, from the keydown event's timeStamp to the marks the
// app sets for a newly shown item (ui/src/usePaintMark.ts): `item-painted`, once the animation
// frame that renders the item has done its style, layout and paint (the figure that counts), and
// `item-frame`, when that frame starts. Also reported: keydown → the new item's id in the DOM (a
// MutationObserver on the item view), which separates fetching and rendering from painting.
// `--trace N` prints the timeline of the last N presses of each key.
// Then, on the item shown, `c` starts checking its claims and `j`/`k` move between its first two
// claims `--presses` times: keydown → the newly focused claim painted (a MutationObserver sees
// the focus move, a timer set in the next animation frame marks its paint, as for items).
// With `--comparisons` (a database of comparison items, `make_stats_db.py --comparisons`), the
// decision key is `1` (pick candidate 1) instead of `a`, and there are no claims to move between.
// Prints p50/p95/p99/max per key. Approving writes decisions into DB.
import { join } from 'node:path';
import { root, sleep, startApp } from './harness.mjs';

const args = process.argv.slice(2);
const db = args.find((a) => a.endsWith('.db'));
if (db === undefined) throw new Error('usage: bench-keypress.mjs DB [--presses N] [--pause-ms MS] [--trace N] [--css RULES] [--debug | --app PATH]');
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const presses = option('--presses', 200);
/** With `--trace N`, the last N presses of each key print their timeline (frames, IPC, DOM). */
const traced = option('--trace', 0);
const pauseMs = option('--pause-ms', 150);
// `--app PATH` times another build (e.g. an older commit's, for a before/after on the same machine).
const binary = args.includes('--app')
  ? args[args.indexOf('--app') + 1]
  : join(root, args.includes('--debug') ? 'target/debug/vetted-app' : 'target/release/vetted-app');

/**
 * Presses `key`, waits for a newly painted item; returns keydown → [in the DOM, the frame that
 * renders it starts, that frame's rendering done] in ms.
 */
async function timedPress(browser, key) {
  await browser.execute(() => { window.__benchKeydown = null; window.__benchInDom = null; });
  await browser.keys(key);
  return browser.executeAsync((done) => {
    const started = performance.now();
    const latest = (name) => performance.getEntriesByName(name).at(-1);
    const poll = () => {
      const keydown = window.__benchKeydown;
      // Builds before `item-frame` existed set only `item-painted`, at the frame's start.
      const frame = latest('item-frame') ?? latest('item-painted');
      const painted = latest('item-painted');
      if (keydown !== null && frame !== undefined && painted !== undefined && frame.startTime > keydown && painted.startTime >= frame.startTime) {
        done([window.__benchInDom - keydown, frame.startTime - keydown, painted.startTime - keydown]);
      } else if (performance.now() - started > 10000) {
        const view = document.querySelector('[data-testid="item-view"]');
        done(`item ${view?.dataset.externalId} shown; toast: ${document.querySelector('[data-testid="toast"]')?.textContent ?? 'none'}`);
      } else {
        setTimeout(poll, 5);
      }
    };
    poll();
  });
}

/**
 * In the page: records, relative to the latest keydown, every animation frame, every IPC call's
 * start and end and every batch of DOM mutations, for `--trace`.
 */
function installTrace() {
  let origin = 0;
  let events = [];
  const at = (label) => events.push(`${label}@${Math.round(performance.now() - origin)}`);
  window.addEventListener('keydown', (event) => { origin = event.timeStamp; events = []; at('K'); }, { capture: true });
  window.addEventListener('keydown', () => { at('k'); queueMicrotask(() => at('m')); });
  const frame = () => { at('F'); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  new MutationObserver((records) => at(`dom${records.length}`)).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  const internals = window.__TAURI_INTERNALS__;
  const invoke = internals.invoke.bind(internals);
  internals.invoke = (command, ...rest) => {
    if (command.startsWith('plugin:')) return invoke(command, ...rest);
    at(`>${command}`);
    return invoke(command, ...rest).finally(() => at(`<${command}`));
  };
  window.__traceLine = () => events.join(' ');
}

/** Presses `key` while checking claims; keydown → the claim `expected` painted as focused. */
async function timedClaimPress(browser, key, expected) {
  await browser.execute(() => { window.__benchKeydown = null; window.__claimPainted = null; });
  await browser.keys(key);
  return browser.executeAsync((want, done) => {
    const started = performance.now();
    const poll = () => {
      const painted = window.__claimPainted;
      if (painted !== null && window.__claimFocused === want && window.__benchKeydown !== null) done(painted - window.__benchKeydown);
      else if (performance.now() - started > 10000) done(`claim ${window.__claimFocused} focused`);
      else setTimeout(poll, 5);
    };
    poll();
  }, String(expected));
}

/** `c`, then `j`/`k` between the first two claims of the item shown: rows for the summary. */
async function claimMoves(browser) {
  const claims = await browser.execute(() => document.querySelectorAll('[data-testid="claim"]').length);
  if (claims < 2) {
    console.error(`the item shown has ${claims} claims: no claim moves to time (make_stats_db.py --sentences makes six)`);
    return [];
  }
  await browser.execute(() => {
    window.__claimFocused = null;
    new MutationObserver(() => {
      const now = document.querySelector('[data-testid="claim"].active')?.dataset.claimIndex ?? null;
      if (now === window.__claimFocused) return;
      window.__claimFocused = now;
      requestAnimationFrame(() => setTimeout(() => { window.__claimPainted = performance.now(); }, 0));
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['class'] });
  });
  await browser.keys('c');
  await browser.waitUntil(() => browser.execute(() => window.__claimFocused === '0'), { timeoutMsg: 'c focuses the first claim' });
  const times = [];
  for (let i = 0; i < presses; i++) {
    const [key, expected] = i % 2 === 0 ? ['j', 1] : ['k', 0];
    const elapsed = await timedClaimPress(browser, key, expected);
    if (typeof elapsed === 'string') console.error(`claims ${key} #${i}: not painted within 10 s (${elapsed})`);
    else times.push(elapsed);
    await sleep(pauseMs);
  }
  await browser.keys('Escape');
  return [summary('`j`/`k` between claims (checking): keydown → painted', times)];
}

function summary(label, times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.round((sorted.length - 1) * q)];
  const ms = (v) => `${v.toFixed(1)} ms`;
  return `| ${label} | ${sorted.length} | ${ms(at(0.5))} | ${ms(at(0.95))} | ${ms(at(0.99))} | ${ms(sorted.at(-1))} |`;
}

const { browser, stop } = await startApp(db, {}, binary);
try {
  await browser.$('[data-testid="item-view"]').waitForDisplayed({ timeout: 60000 });
  // The keydown's own timestamp (same clock as performance marks), captured before the app sees
  // it, and when the item view first shows another item's id after it.
  await browser.execute(() => {
    window.__benchKeydown = null;
    window.addEventListener('keydown', (event) => { window.__benchKeydown = event.timeStamp; }, { capture: true });
    const shownId = () => document.querySelector('[data-testid="item-view"]')?.getAttribute('data-external-id');
    let shown = shownId();
    new MutationObserver(() => {
      const now = shownId();
      if (now !== shown && window.__benchInDom === null) window.__benchInDom = performance.now();
      shown = now;
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  if (traced > 0) await browser.execute(installTrace);
  const css = args[args.indexOf('--css') + 1];
  if (args.includes('--css')) await browser.execute((text) => { const style = document.createElement('style'); style.textContent = text; document.head.append(style); }, css);
  const rows = [];
  const comparisons = args.includes('--comparisons');
  const decide = comparisons ? ['`1` (pick candidate 1 → next item)', '1'] : ['`a` (approve → next item)', 'a'];
  for (const [label, key] of [['`j` (next item)', 'j'], decide]) {
    const inDom = [];
    const frame = [];
    const painted = [];
    let missed = 0;
    for (let i = 0; i < presses; i++) {
      const elapsed = await timedPress(browser, key);
      if (i >= presses - traced) console.log(`${key} #${i}: ${await browser.execute(() => window.__traceLine())}`);
      if (typeof elapsed === 'string') {
        console.error(`${key} #${i}: no new item painted within 10 s (${elapsed})`);
        missed += 1;
      } else {
        inDom.push(elapsed[0]);
        frame.push(elapsed[1]);
        painted.push(elapsed[2]);
      }
      await sleep(pauseMs);
    }
    if (missed > 0) console.error(`${label}: ${missed} presses painted no new item within 10 s`);
    rows.push(
      summary(`${label}: keydown → painted`, painted),
      summary(`${label}: keydown → its frame starts`, frame),
      summary(`${label}: keydown → in the DOM`, inDom),
    );
  }
  // A comparison has no claims to move between.
  if (!comparisons) rows.push(...(await claimMoves(browser)));
  console.log(`database: ${db}; app: ${binary}; ${presses} presses per key, ${pauseMs} ms pause after each paint`);
  console.log('| key | presses | p50 | p95 | p99 | max |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
} finally {
  await stop();
}
