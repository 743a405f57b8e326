// Start → first paint of the real window, and its memory at rest (a benchmark, not a test; not
// run by run.sh):
//
//   xvfb-run -a -s "-screen 0 1280x800x24" node e2e/bench-startup.mjs [DB] [--runs 10] [--app PATH]
//
// With DB (opened through VETTED_DB; migrate it first, e.g. with `vetted --db DB queue`, or the
// first run times a migration) the figure is process start → the first item painted
// (`item-painted`, ui/src/usePaintMark.ts); without, process start → the welcome screen painted
// (`welcome-painted`), with fresh config and data folders as on a first run. The process start is
// the kernel's (/proc/PID/stat against /proc/uptime, 10 ms ticks) and the paint the page's
// (performance.timeOrigin + the mark), on the same clock. Each run is a new process with the
// file in the page cache (a warm start: dropping the cache of a shared machine is not ours to do).
// Then, after 5 s at rest, the resident memory of the app and of every process it started
// (WebKit's web and network processes): RSS, and PSS (shared pages split between processes).
import { readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { appBinary, sleep, startApp } from './harness.mjs';

const args = process.argv.slice(2);
const db = args.find((a) => a.endsWith('.db')) ?? null;
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args[at + 1];
};
const runs = Number(option('--runs', 10));
const binary = realpathSync(option('--app', appBinary));
const mark = db === null ? 'welcome-painted' : 'item-painted';
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Every PID, with its parent, start tick and executable. */
function processes() {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name (which may hold spaces) start at index 0 = state.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      let exe = null;
      try { exe = readlinkSync(`/proc/${entry}/exe`); } catch { /* not ours to read */ }
      found.push({ pid: Number(entry), ppid: Number(fields[1]), startTicks: Number(fields[19]), exe });
    } catch { /* ended meanwhile */ }
  }
  return found;
}

/** The app's process (the newest running `binary`) and every process below it. */
function appTree() {
  const all = processes();
  const app = all.filter((p) => p.exe === binary).sort((a, b) => b.startTicks - a.startTicks)[0];
  if (app === undefined) throw new Error(`no running process of ${binary}`);
  const tree = [app];
  for (let i = 0; i < tree.length; i++) tree.push(...all.filter((p) => p.ppid === tree[i].pid));
  return tree;
}

/** When `startTicks` was, in ms since the epoch (the kernel's uptime clock mapped onto Date.now()). */
function epochOfTicks(startTicks) {
  const uptimeSeconds = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return Date.now() - (uptimeSeconds - startTicks / TICKS_PER_SECOND) * 1000;
}

/** RSS and PSS of `pid` in MiB (smaps_rollup). */
function memory(pid) {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? NaN);
  return { rss: kib('Rss') / 1024, pss: kib('Pss') / 1024 };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const startups = [];
let rest = null;
for (let run = 0; run < runs; run++) {
  const { browser, stop } = await startApp(db, {}, binary);
  try {
    const paintedAt = await browser.executeAsync((name, done) => {
      const started = performance.now();
      const poll = () => {
        const entry = performance.getEntriesByName(name).at(0);
        if (entry !== undefined) done(performance.timeOrigin + entry.startTime);
        else if (performance.now() - started > 20000) done(null);
        else setTimeout(poll, 5);
      };
      poll();
    }, mark);
    if (paintedAt === null) throw new Error(`run ${run + 1}: the page never set ${mark}`);
    const tree = appTree();
    const startup = paintedAt - epochOfTicks(tree[0].startTicks);
    startups.push(startup);
    console.log(`run ${run + 1}: start → ${mark} ${startup.toFixed(0)} ms`);
    if (run === runs - 1) {
      await sleep(5000);
      rest = appTree().map((p) => ({ pid: p.pid, exe: p.exe, ...memory(p.pid) }));
    }
  } finally {
    await stop();
  }
}

const sorted = [...startups].sort((a, b) => a - b);
console.log(`\n${binary} ${db === null ? '(no database: welcome screen)' : db}, ${runs} runs`);
console.log(`start → ${mark}: p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms, max ${sorted.at(-1).toFixed(0)} ms`);
console.log('memory 5 s after the last start:');
for (const p of rest) console.log(`  ${String(p.pid).padStart(7)} ${p.exe}: RSS ${p.rss.toFixed(0)} MiB, PSS ${p.pss.toFixed(0)} MiB`);
const total = (key) => rest.reduce((sum, p) => sum + p[key], 0).toFixed(0);
console.log(`  total: RSS ${total('rss')} MiB, PSS ${total('pss')} MiB`);
