// Import, export, backup and data-product registration from the real window: the shell's file dialogs are answered by
// VETTED_E2E_PICKS (debug builds only — WebDriver cannot drive a native GTK dialog), everything
// after the pick is the real app: background jobs, progress, cancel, the queue refreshing, files
// checked with Python's sqlite3 and by reading them back. An import from the CLI while the app
// is open shows up without a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { answerItemsFile, chinook, cliBinary, count, screenshot, seededDb, sql, startApp, toastText, waitForCount } from '../harness.mjs';

test('import, export and backup run in the background from the window, with progress and cancel', async () => {
  const db = seededDb();
  const dir = dirname(db);
  const small = answerItemsFile('new', 3, { path: join(dir, 'new-items.jsonl') });
  const big = answerItemsFile('big', 120000, { path: join(dir, 'big.jsonl') });
  const exported = join(dir, 'vetted-trl-kto.jsonl');
  const backup = join(dir, 'backup.db');
  const picks = [small, exported, backup, chinook, big].join('|');
  const { browser, stop } = await startApp(db, { VETTED_E2E_PICKS: picks });
  try {
    await browser.$('[data-testid="item-view"]').waitForDisplayed({ timeout: 15000 });
    const pending = await count(browser, 'pending');

    // Import with Ctrl+O: the new items appear in the queue without a restart.
    await browser.keys(['Control', 'o']);
    await toastText(browser, '3 new, 0 already present');
    await waitForCount(browser, 'pending', pending + 3);
    assert.equal(sql(db, "SELECT count(*) AS n FROM items WHERE external_id LIKE 'new-%'")[0].n, 3, 'the items are in SQLite');

    // Approve one item, then export it as TRL KTO through the dialog (Ctrl+Shift+E, Ctrl+Enter).
    await browser.keys('a');
    await waitForCount(browser, 'approved', 1);
    await browser.keys(['Control', 'Shift', 'E']);
    await browser.$('[data-testid="export-dialog"]').waitForDisplayed({ timeout: 10000 });
    await browser.$('[data-testid="export-format"]').selectByAttribute('value', 'trl-kto');
    await screenshot(browser, 'export-dialog.png');
    await browser.keys(['Control', 'Enter']);
    await toastText(browser, 'lines written to');
    const lines = readFileSync(exported, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 1, 'one approved item → one KTO line');
    assert.equal(lines[0].label, true, 'an approval is a desirable KTO example');
    assert.ok(existsSync(exported.replace(/\.jsonl$/, '.manifest.json')), 'the manifest is written next to the export');

    // Back up from the header button: a consistent copy with every item.
    await browser.$('[data-testid="header-file"]').click();
    await browser.$('[data-testid="header-backup"]').click();
    await toastText(browser, 'backup written to');
    let itemsNow = sql(db, 'SELECT count(*) AS n FROM items')[0].n;
    assert.equal(sql(backup, 'SELECT count(*) AS n FROM items')[0].n, itemsNow, 'the backup holds every item');
    assert.equal(sql(backup, 'PRAGMA integrity_check')[0].integrity_check, 'ok');

    // Register Chinook's tables as data products from the header.
    await browser.$('[data-testid="header-file"]').click();
    await browser.$('[data-testid="header-products"]').click();
    await toastText(browser, '11 data product(s) from');
    assert.equal(sql(db, 'SELECT count(*) AS n FROM products')[0].n, 11, "Chinook's 11 tables are registered");

    // Discovery proposes Chinook's 11 declared foreign keys, without a model, into the queue;
    // those the demo's relationship items already propose are not queued twice.
    await browser.$('[data-testid="header-file"]').click();
    await browser.$('[data-testid="header-discover"]').click();
    const said = await toastText(browser, '11 relationship candidate(s) among 11 data products');
    const [, queued, already] = said.match(/(\d+) queued, (\d+) already in the queue/).map(Number);
    assert.equal(queued + already, 11, `every candidate is queued or already there: ${said}`);
    assert.ok(queued > 0 && already > 0, `the demo proposes some of Chinook's keys, not all: ${said}`);
    assert.equal(
      sql(db, "SELECT count(*) AS n FROM items WHERE model = 'discovery' AND kind = 'relationship' AND status = 'pending'")[0].n,
      queued,
      'each new candidate is a pending relationship item',
    );
    await waitForCount(browser, 'pending', pending + 3 - 1 + queued);
    itemsNow += queued;

    // A big import shows progress and a cancel leaves the database as it was.
    await browser.keys(['Control', 'o']);
    const job = browser.$('[data-testid="job-import"]');
    await job.waitForDisplayed({ timeout: 20000, timeoutMsg: 'the running import is shown' });
    await browser.waitUntil(async () => /Importing: \d+ %/.test(await job.getText()), {
      timeout: 20000, timeoutMsg: 'the import reports a percentage',
    });
    await screenshot(browser, 'import-progress.png');
    await browser.$('[data-testid="job-cancel"]').click();
    await toastText(browser, 'Importing cancelled; nothing was changed.');
    assert.equal(await job.isExisting(), false, 'the cancelled job is gone from the panel');
    assert.equal(sql(db, 'SELECT count(*) AS n FROM items')[0].n, itemsNow, 'a cancelled import adds nothing');

    // The CLI imports while the app is open: no "database is locked", and the queue refreshes.
    const cliItems = answerItemsFile('cli', 2, { path: join(dir, 'cli-items.jsonl') });
    execFileSync(cliBinary, ['--db', db, 'import', cliItems], { stdio: 'pipe' });
    await waitForCount(browser, 'pending', pending + 3 - 1 + queued + 2);
  } finally {
    await stop();
  }
});
