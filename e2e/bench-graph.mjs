// The relationship graph at scale in the real window (a benchmark, not a test; not run by run.sh):
//
//   xvfb-run -a -s "-screen 0 1280x800x24" node e2e/bench-graph.mjs [--products 500] [--candidates 2000] [--runs 5] [--app PATH]
//
// Generates a database with the CLI ($VETTED_E2E_CLI): `--products` CSV products registered
// (P0000 … with columns id, ref_a … ref_d, name; 20 rows each), `--candidates` relationship items
// between random pairs (fixed seed) mapping a ref column to the target's id, of which every tenth
// is approved — so other candidates from the same source column become conflicts. Then, per run
// (a new app process each), twice (opened, closed with Esc, opened again; each a second after the
// view before was painted): Ctrl+Shift+G → the graph painted, from the page's own marks
// (ui/src/useGraphView.ts, ui/src/usePaintMark.ts): `graph-requested` (the key's handler) →
// `graph-loaded` (the review_graph answer) → `graph-laid-out` (layout done) → `graph-painted` (the
// frame after the render); and 20 presses of N (next candidate) and 20 moves with ↓/↑ (three of
// each in turn; next product), each from
// the keydown event's timestamp to `graph-focus-painted`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appBinary, cliBinary, sleep, startApp } from './harness.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args[at + 1];
};
const products = Number(option('--products', 500));
const candidates = Number(option('--candidates', 2000));
const runs = Number(option('--runs', 5));
const binary = option('--app', appBinary);
const REFS = ['ref_a', 'ref_b', 'ref_c', 'ref_d'];

/** Park–Miller: the same database every time. */
let seed = 42;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const pick = (n) => Math.floor(random() * n);
const name = (i) => `P${String(i).padStart(4, '0')}`;

function generate() {
  const dir = mkdtempSync(join(tmpdir(), 'vetted-bench-graph-'));
  const csvDir = join(dir, 'products');
  mkdirSync(csvDir);
  const files = [];
  for (let p = 0; p < products; p++) {
    const rows = ['id,ref_a,ref_b,ref_c,ref_d,name'];
    for (let r = 1; r <= 20; r++) rows.push([r, ...REFS.map(() => 1 + pick(20)), `row ${r}`].join(','));
    const file = join(csvDir, `${name(p)}.csv`);
    writeFileSync(file, rows.join('\n') + '\n');
    files.push(file);
  }
  const lines = [];
  for (let c = 0; c < candidates; c++) {
    const source = pick(products);
    let target = pick(products);
    if (target === source) target = (target + 1) % products;
    lines.push(JSON.stringify({
      kind: 'relationship', id: `rel-${c}`, domain: c % 4 === 0 ? 'finance' : 'sales', model: 'bench-model',
      source: { product: name(source) }, target: { product: name(target) },
      relation: { type: 'foreign_key', cardinality: 'N:1', mapping: [{ source_field: REFS[pick(REFS.length)], target_field: 'id' }] },
      rationale: 'generated', confidence: 0.5,
    }));
  }
  const items = join(dir, 'items.jsonl');
  writeFileSync(items, lines.join('\n') + '\n');
  const db = join(dir, 'vetted.db');
  const cli = (...a) => execFileSync(cliBinary, ['--db', db, ...a], { stdio: 'pipe' });
  cli('products', 'add', ...files);
  cli('import', items);
  for (let c = 0; c < candidates; c += 10) cli('decide', `rel-${c}`, 'approve', '--reviewer', 'bench');
  return db;
}

/** The mark's start time once the page has set it after `after` (page ms); null after `timeout` ms. */
function markAfter(browser, name, after, timeout = 20000) {
  return browser.executeAsync((name, after, timeout, done) => {
    const started = performance.now();
    const poll = () => {
      const entry = performance.getEntriesByName(name).at(-1);
      if (entry !== undefined && entry.startTime > after) done(entry.startTime);
      else if (performance.now() - started > timeout) done(null);
      else setTimeout(poll, 2);
    };
    poll();
  }, name, after, timeout);
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const summary = (values) => `p50 ${percentile(values, 50).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms (n=${values.length})`;

const started = Date.now();
const db = generate();
console.log(`generated ${db}: ${products} products, ${candidates} candidates (${Math.ceil(candidates / 10)} approved) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const phases = { core: [], layout: [], render: [], total: [] };
const keys = { n: [], arrow: [] };
for (let run = 0; run < runs; run++) {
  const { browser, stop } = await startApp(db, {}, binary);
  try {
    await browser.$('[data-testid="item-view"]').waitForDisplayed({ timeout: 30000 });
    await browser.execute(() => {
      window.__lastKeydown = 0;
      window.addEventListener('keydown', (event) => { window.__lastKeydown = event.timeStamp; }, true);
    });
    // Twice per run: from the review view (Ctrl+Shift+G), and again after closing it (Esc).
    for (const opening of [1, 2]) {
      await sleep(1000); // the start-up requests (queue pages, counts) are done, as when a reviewer presses the key
      const before = await browser.execute(() => performance.now());
      await browser.keys(['Control', 'Shift', 'g']);
      const painted = await markAfter(browser, 'graph-painted', before);
      if (painted === null) throw new Error('the graph was never painted');
      const [requested, loaded, laidOut] = await browser.execute(() =>
        ['graph-requested', 'graph-loaded', 'graph-laid-out'].map((n) => performance.getEntriesByName(n).at(-1).startTime));
      phases.core.push(loaded - requested);
      phases.layout.push(laidOut - loaded);
      phases.render.push(painted - laidOut);
      phases.total.push(painted - requested);
      const edges = await browser.$$('[data-testid="graph-svg"] path.graph-edge').length;
      console.log(`run ${run + 1}.${opening}: open ${(painted - requested).toFixed(0)} ms (review_graph ${(loaded - requested).toFixed(0)}, layout ${(laidOut - loaded).toFixed(0)}, render+paint ${(painted - laidOut).toFixed(0)}); ${edges} edges drawn`);
      if (opening === 1) {
        await browser.keys('Escape');
        await browser.$('[data-testid="graph-view"]').waitForExist({ reverse: true, timeout: 10000 });
      }
    }
    // 20 moves per key kind; an arrow at the picture's border moves nothing (no mark), so ↓ and ↑
    // alternate and a press that moved nothing is not counted.
    for (const [kind, sequence] of [['n', ['n']], ['arrow', ['ArrowDown', 'ArrowUp']]]) {
      for (let press = 0, moves = 0; moves < 20 && press < 60; press++) {
        const scroll = () => browser.execute(() => {
          const view = document.querySelector('.graph-canvas');
          return `${view.scrollLeft},${view.scrollTop}`;
        });
        const [mark, scrolledFrom] = [await browser.execute(() => performance.now()), await scroll()];
        await browser.keys(sequence[Math.floor(press / 3) % sequence.length]);
        const focusPainted = await markAfter(browser, 'graph-focus-painted', mark, 2000);
        if (focusPainted === null) continue;
        const keydown = await browser.execute(() => window.__lastKeydown);
        keys[kind].push({ ms: focusPainted - keydown, scrolled: (await scroll()) !== scrolledFrom });
        moves++;
      }
    }
  } finally {
    await stop();
  }
}

console.log(`\n${binary}, ${products} products, ${candidates} relationship items, ${runs} runs`);
console.log(`open the graph (key → painted): ${summary(phases.total)}`);
console.log(`  review_graph (IPC + core):    ${summary(phases.core)}`);
console.log(`  layout:                       ${summary(phases.layout)}`);
console.log(`  render + paint:               ${summary(phases.render)}`);
for (const [kind, label] of [['n', 'N (next candidate)'], ['arrow', '↓/↑ (next product)']]) {
  const all = keys[kind];
  console.log(`${label} → painted: ${summary(all.map((k) => k.ms))}`);
  for (const scrolled of [false, true]) {
    const some = all.filter((k) => k.scrolled === scrolled).map((k) => k.ms);
    if (some.length > 0) console.log(`  ${scrolled ? 'the view scrolled' : 'no scroll'}: ${summary(some)}`);
  }
}
