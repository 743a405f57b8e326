// Keypress → next item painted, in the real window (a benchmark, not a test; not run by run.sh):
//
//   xvfb-run -a -s "-screen 0 1280x800x24" node e2e/bench-keypress.mjs DB [--presses 200] [--pause-ms 150] [--debug]
//
// Starts the app (target/release/vetted-app, or target/debug with --debug) on DB through
// tauri-driver, then presses the next key (`j`) and the approve key (`a`) `--presses` times each,
// one at a time: after each press it waits until the next item is painted, then `--pause-ms`.
// Each latency is measured inside the page: from the keydown event's timeStamp to the
// `item-painted` performance mark the app sets in the animation frame that paints a newly shown
// item (ui/src/usePaintMark.ts). Also reported: keydown → the new item's id in the DOM (a
// MutationObserver on the item view), which separates fetching and rendering from painting.
// Prints p50/p95/p99/max per key. Approving writes decisions into DB.
import { join } from 'node:path';
import { root, sleep, startApp } from './harness.mjs';

const args = process.argv.slice(2);
const db = args.find((a) => a.endsWith('.db'));
if (db === undefined) throw new Error('usage: bench-keypress.mjs DB [--presses N] [--pause-ms MS] [--debug]');
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const presses = option('--presses', 200);
const pauseMs = option('--pause-ms', 150);
const binary = join(root, args.includes('--debug') ? 'target/debug/vetted-app' : 'target/release/vetted-app');

/** Presses `key`, waits for a newly painted item; returns keydown → [in DOM, painted] in ms. */
async function timedPress(browser, key) {
  await browser.execute(() => { window.__benchKeydown = null; window.__benchInDom = null; });
  await browser.keys(key);
  return browser.executeAsync((done) => {
    const started = performance.now();
    const poll = () => {
      const mark = performance.getEntriesByName('item-painted').at(-1);
      if (window.__benchKeydown !== null && mark !== undefined && mark.startTime > window.__benchKeydown) {
        done([window.__benchInDom - window.__benchKeydown, mark.startTime - window.__benchKeydown]);
      } else if (performance.now() - started > 10000) {
        done(null);
      } else {
        requestAnimationFrame(poll);
      }
    };
    poll();
  });
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
  const rows = [];
  for (const [label, key] of [['`j` (next item)', 'j'], ['`a` (approve → next item)', 'a']]) {
    const inDom = [];
    const painted = [];
    let missed = 0;
    for (let i = 0; i < presses; i++) {
      const elapsed = await timedPress(browser, key);
      if (elapsed === null) {
        missed += 1;
      } else {
        inDom.push(elapsed[0]);
        painted.push(elapsed[1]);
      }
      await sleep(pauseMs);
    }
    if (missed > 0) console.error(`${label}: ${missed} presses painted no new item within 10 s`);
    rows.push(summary(`${label}: keydown → painted`, painted), summary(`${label}: keydown → in the DOM`, inDom));
  }
  console.log(`database: ${db}; app: ${binary}; ${presses} presses per key, ${pauseMs} ms pause after each paint`);
  console.log('| key | presses | p50 | p95 | p99 | max |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
} finally {
  await stop();
}
