// Team review in the real window: the first start asks who is reviewing and remembers it; two
// laptops' decisions merged from a sync bundle disagree, the conflict shows in its own tab with
// both reviews side by side, and the adjudicator's keypress settles it for good.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { answerItemsFile, cliBinary, count, screenshot, seededDb, selectedId, sql, startApp, waitForCount } from '../harness.mjs';

const cli = (db, ...args) => execFileSync(cliBinary, ['--db', db, ...args], { stdio: 'pipe' }).toString();

test('the first start asks who is reviewing, and the answer sticks', async () => {
  const db = seededDb(answerItemsFile('t', 2));
  let app = await startApp(db, { VETTED_REVIEWER: '' });
  try {
    const { browser } = app;
    await browser.$('[data-testid="reviewer-dialog"]').waitForDisplayed({ timeout: 15000, timeoutMsg: 'first start asks who is reviewing' });
    await browser.$('[data-testid="reviewer-name"]').setValue('dana');
    await browser.$('[data-testid="reviewer-role"]').selectByAttribute('value', 'sme');
    await browser.keys(['Control', 'Enter']);
    await browser.waitUntil(async () => (await browser.$('[data-testid="session-reviewer"]').getText()).includes('dana · SME'), {
      timeout: 15000, timeoutMsg: 'the title bar shows the reviewer and role',
    });
    // The queue reloads for the new reviewer; decide once their first item is shown.
    await browser.waitUntil(async () => (await browser.$('[data-testid="item-view"]').isExisting()) && (await selectedId(browser)) === 't-0', {
      timeout: 15000, timeoutMsg: "dana's queue shows t-0",
    });
    await browser.keys('a');
    await waitForCount(browser, 'approved', 1);
    assert.deepEqual(sql(db, 'SELECT reviewer FROM decisions'), [{ reviewer: 'dana' }], 'the decision carries the chosen reviewer');
  } finally {
    await app.stop();
  }
  app = await startApp(db, { VETTED_REVIEWER: '' });
  try {
    const header = await app.browser.$('[data-testid="session-reviewer"]').getText();
    assert.match(header, /dana · SME/, 'the next start opens as dana');
    assert.equal(await app.browser.$('[data-testid="reviewer-dialog"]').isExisting(), false, 'and does not ask again');
  } finally {
    await app.stop();
  }
});

test('a merged bundle that disagrees goes to Conflicts, where the adjudicator decides', async () => {
  const fixture = answerItemsFile('t', 2);
  const mine = seededDb(fixture);
  const theirs = seededDb(fixture);
  cli(mine, 'decide', 't-0', 'approve', '--reviewer', 'ann');
  cli(theirs, 'decide', 't-0', 'reject', '--reason', 'unsupported_by_evidence', '--note', 'No source says so.', '--reviewer', 'bob');
  const bundle = join(dirname(theirs), 'bob.json');
  cli(theirs, 'sync', 'pack', '--out', bundle);
  cli(mine, 'reviewer', 'add', 'e2e-reviewer', '--role', 'adjudicator');

  const { browser, stop } = await startApp(mine, { VETTED_E2E_PICKS: bundle });
  try {
    await browser.$('[data-testid="item-view"]').waitForDisplayed({ timeout: 15000 });
    assert.match(await browser.$('[data-testid="session-reviewer"]').getText(), /adjudicator/);
    await browser.$('[data-testid="header-file"]').click();
    await browser.$('[data-testid="header-merge"]').click();
    await browser.waitUntil(async () => (await count(browser, 'conflict')) === 1, {
      timeout: 20000, timeoutMsg: 'the merge puts t-0 in Conflicts',
    });
    await browser.$('[data-testid="count-conflict"]').click();
    await browser.waitUntil(async () => (await selectedId(browser)) === 't-0', { timeout: 15000 });
    await browser.waitUntil(async () => (await browser.$$('[data-testid="adjudication-review"]')).length === 2, {
      timeout: 15000, timeoutMsg: 'both reviews side by side',
    });
    const reviews = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="adjudication-review"]')].map((el) => [el.getAttribute('data-reviewer'), el.getAttribute('data-action')]));
    assert.deepEqual(reviews.sort(), [['ann', 'approve'], ['bob', 'reject']]);
    await screenshot(browser, 'adjudication.png');

    await browser.keys('a');
    await waitForCount(browser, 'conflict', 0);
    const final = sql(mine, "SELECT i.status, i.review, d.reviewer, d.adjudication FROM items i JOIN decisions d ON d.id = i.effective_decision WHERE i.external_id = 't-0'");
    assert.deepEqual(final, [{ status: 'approved', review: 'settled', reviewer: 'e2e-reviewer', adjudication: 1 }], 'the adjudication is the decision in force');

    // The dashboard (Ctrl+Shift+D) shows the figures, agreement included, and review keys do nothing behind it.
    await browser.keys(['Control', 'Shift', 'D']);
    await browser.$('[data-testid="stats-dashboard"]').waitForDisplayed({ timeout: 15000, timeoutMsg: 'the stats dashboard opens' });
    await browser.waitUntil(async () => (await browser.$$('.stats-view canvas')).length >= 4, { timeout: 15000, timeoutMsg: 'charts are drawn' });
    const decided = sql(mine, "SELECT count(*) AS n FROM items WHERE status <> 'pending'")[0].n;
    await browser.keys('a');
    assert.equal(sql(mine, "SELECT count(*) AS n FROM items WHERE status <> 'pending'")[0].n, decided, 'A decides nothing behind the dashboard');
    await screenshot(browser, 'dashboard.png');
    await browser.keys('Escape');
    await browser.$('[data-testid="stats-dashboard"]').waitForDisplayed({ reverse: true, timeout: 15000, timeoutMsg: 'Esc returns to reviewing' });
    assert.equal(await browser.$('.workspace').isDisplayed(), true, 'the review workspace is back');
  } finally {
    await stop();
  }
});
