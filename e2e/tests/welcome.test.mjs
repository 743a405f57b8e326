// First run and databases, in the real window: with no VETTED_DB and empty config and data
// folders the app opens on the welcome screen; the demo is created on first use and listed as
// recent; a decision survives a restart; a corrupt file given as `vetted-app PATH` is explained
// in the window instead of the app exiting. Runs against VETTED_E2E_APP (an installed package)
// as well as the debug build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appBinary, cliBinary, count, freshHome, screenshot, selectedId, sql, startApp, waitForCount } from '../harness.mjs';

/** The names of the X windows (the native title bar text), to check the window title. */
function windowNames() {
  return execFileSync('xwininfo', ['-root', '-tree'], { encoding: 'utf8' });
}

test('welcome screen → demo → decision kept across restarts → recent list → corrupt file explained', async () => {
  const home = freshHome();
  const demoDb = join(home.XDG_DATA_HOME, 'vetted', 'vetted-demo.db');

  // First start: no database anywhere.
  let app = await startApp(null, home);
  let approvedId;
  try {
    const { browser } = app;
    await browser.$('[data-testid="welcome"]').waitForDisplayed({ timeout: 15000, timeoutMsg: 'the welcome screen is shown' });
    assert.equal(await browser.$('[data-testid="recent-list"]').isExisting(), false, 'nothing is recent on a first run');
    assert.equal(await browser.$('[data-testid="open-failure"]').isExisting(), false, 'no error on a first run');
    assert.match(windowNames(), /"Vetted"/, 'the window is titled Vetted while no database is open');
    await screenshot(browser, 'welcome-first-run.png');

    await browser.$('[data-testid="welcome-demo"]').click();
    await browser.$('[data-testid="item-view"]').waitForDisplayed({ timeout: 30000, timeoutMsg: 'the demo opens on its first item' });
    assert.ok(existsSync(demoDb), `the demo database is created in the data folder (${demoDb})`);
    assert.equal(await count(browser, 'pending'), 40, 'every demo item is there');
    await browser.waitUntil(async () => windowNames().includes('vetted-demo.db'), {
      timeout: 5000, timeoutMsg: 'the window title names the open file',
    });

    approvedId = await selectedId(browser);
    await browser.keys('a');
    await waitForCount(browser, 'approved', 1);
  } finally {
    await app.stop();
  }
  assert.equal(
    sql(demoDb, `SELECT count(*) AS n FROM decisions WHERE action = 'approve'`)[0].n, 1,
    'the approval is in the demo database',
  );

  // Second start: the demo is listed as recent and opens with the decision still there.
  app = await startApp(null, home);
  try {
    const { browser } = app;
    await browser.$('[data-testid="welcome"]').waitForDisplayed({ timeout: 15000 });
    const rows = await browser.$$('[data-testid="recent-row"]');
    assert.equal(rows.length, 1, 'one recent database');
    assert.equal(await rows[0].getAttribute('data-path'), demoDb, 'the demo, by its full path');
    assert.equal(await rows[0].getAttribute('data-missing'), 'false', 'the file is there');
    await screenshot(browser, 'welcome-recent.png');

    await browser.keys('1'); // the number key opens the first recent database
    await browser.$('[data-testid="item-view"]').waitForDisplayed({ timeout: 20000 });
    await waitForCount(browser, 'approved', 1);

    // Help ▸ About: the CLI's version, the open file and its schema version; Esc closes it.
    await browser.$('[data-testid="header-help"]').click();
    await browser.$('[data-testid="header-about"]').click();
    const about = browser.$('[data-testid="about-dialog"]');
    await about.waitForDisplayed({ timeout: 10000 });
    await browser.$('[data-testid="about-version"]').waitForExist({ timeout: 10000 });
    const cliVersion = execFileSync(cliBinary, ['--version'], { encoding: 'utf8' }).trim().replace(/^vetted /, '');
    assert.equal(await browser.$('[data-testid="about-version"]').getText(), cliVersion, 'the app shows the CLI\'s version');
    assert.equal(await browser.$('[data-testid="about-database"]').getText(), demoDb, 'the open database');
    assert.match(await browser.$('[data-testid="about-schema"]').getText(), /^(\d+) \(this build knows up to \1\)$/, 'schema version, current');
    await screenshot(browser, 'about.png');
    await browser.keys('Escape');
    await about.waitForDisplayed({ reverse: true, timeout: 5000, timeoutMsg: 'Esc closes About' });

    // File ▸ Close database goes back to the welcome screen (and releases the file).
    await browser.$('[data-testid="header-file"]').click();
    await browser.$('[data-testid="header-close-database"]').click();
    await browser.$('[data-testid="welcome"]').waitForDisplayed({ timeout: 10000, timeoutMsg: 'Close returns to the welcome screen' });
  } finally {
    await app.stop();
  }
  assert.equal(
    sql(demoDb, `SELECT d.item_id FROM decisions d JOIN items i ON i.id = d.item_id WHERE i.external_id = '${approvedId}'`).length, 1,
    `the decision on ${approvedId} is still recorded once`,
  );

  // A corrupt file passed as the app's argument: explained in the window, with ways out.
  const corrupt = join(mkdtempSync(join(tmpdir(), 'vetted-e2e-corrupt-')), 'corrupt.db');
  writeFileSync(corrupt, randomBytes(64 * 1024));
  app = await startApp(null, home, appBinary, [corrupt]);
  try {
    const { browser } = app;
    const failure = browser.$('[data-testid="open-failure"]');
    await failure.waitForDisplayed({ timeout: 15000, timeoutMsg: 'the open failure is explained on the welcome screen' });
    assert.equal(await failure.getAttribute('data-code'), 'not_a_database');
    const text = await failure.getText();
    assert.match(text, /not a Vetted database/, 'a title for this case');
    assert.ok(text.includes(corrupt), 'names the file');
    assert.match(text, /restore a backup/, 'says what to do next');
    assert.ok(await browser.$('[data-testid="failure-open-other"]').isDisplayed(), 'offers to open another database');
    assert.equal(
      await browser.$$('[data-testid="recent-row"]').length, 1,
      'the corrupt file is not added to the recent list; the demo stays',
    );
    await screenshot(browser, 'welcome-error.png');
  } finally {
    await app.stop();
  }
});
