// Guidelines in the real window: a reviewer's note becomes a guideline of the item's domain with
// one click, other items of the domain show it with a link back to where it came from, G opens
// the panel to write one from the keyboard, entries render as safe markdown, and everything is
// in SQLite and on screen after a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerItemsFile, screenshot, seededDb, selectedId, sql, startApp, waitForCount } from '../harness.mjs';

async function guidelineTexts(browser) {
  return browser.execute(() => [...document.querySelectorAll('[data-testid="guideline"] .guideline-body')].map((el) => el.textContent.trim()));
}

async function showTab(browser, status, expectedId) {
  await browser.$(`[data-testid="count-${status}"]`).click();
  await browser.waitUntil(async () => (await selectedId(browser)) === expectedId, {
    timeout: 15000, timeoutMsg: `the ${status} tab shows ${expectedId}`,
  });
}

test('a note becomes a guideline, links back to its item, G writes one, and both survive a restart', async () => {
  const db = seededDb(answerItemsFile('g', 2, { fields: { domain: 'finance' } }));
  let app = await startApp(db);
  try {
    const { browser } = app;
    await browser.waitUntil(async () => (await selectedId(browser)) === 'g-0', { timeout: 15000 });

    // Reject g-0 with a note, then promote the note from its history.
    await browser.keys('r');
    await browser.$('[data-testid="reject-dialog"]').waitForDisplayed();
    await browser.$('[data-testid="reject-note"]').setValue('Totals here are **net** of refunds.');
    await browser.keys(['Control', 'Enter']);
    await waitForCount(browser, 'rejected', 1);
    await showTab(browser, 'rejected', 'g-0');
    await browser.$('[data-testid="history-promote"]').click();
    await browser.waitUntil(async () => (await guidelineTexts(browser)).includes('Totals here are net of refunds.'), {
      timeout: 15000, timeoutMsg: 'the promoted note appears in the guidelines panel',
    });
    assert.equal(await browser.$('[data-testid="guideline"] strong').getText(), 'net', 'the note renders as markdown');
    await browser.$('[data-testid="history-promoted"]').waitForDisplayed({ timeout: 5000, timeoutMsg: 'the history marks the promoted note' });

    // g-1, same domain, shows the guideline with a link back to g-0.
    await showTab(browser, 'pending', 'g-1');
    await browser.waitUntil(async () => (await guidelineTexts(browser)).length === 1, { timeout: 15000, timeoutMsg: 'g-1 shows its domain guideline' });
    await browser.$('[data-testid="guideline-source"]').click();
    await browser.waitUntil(async () => (await selectedId(browser)) === 'g-0', { timeout: 15000, timeoutMsg: 'the link opens the item the note came from' });

    // G puts the cursor in the new-guideline field; Ctrl+Enter saves it.
    await showTab(browser, 'rejected', 'g-0');
    await showTab(browser, 'pending', 'g-1');
    await browser.keys('g');
    await browser.waitUntil(async () => (await browser.execute(() => document.activeElement?.getAttribute('data-testid'))) === 'guideline-new', {
      timeout: 5000, timeoutMsg: 'G focuses the new-guideline field',
    });
    await browser.$('[data-testid="guideline-new"]').setValue('Cite the page of the report.');
    await browser.keys(['Control', 'Enter']);
    await browser.waitUntil(async () => (await guidelineTexts(browser)).includes('Cite the page of the report.'), { timeout: 15000 });
    assert.equal(await browser.$('[data-testid="guideline-new"]').getValue(), '', 'the field is cleared after saving');
    assert.equal(await selectedId(browser), 'g-1', 'typing into the field decided nothing and moved nowhere');
    await screenshot(browser, 'guidelines.png');

    const rows = sql(db, 'SELECT g.domain, g.body, i.external_id AS item FROM guidelines g LEFT JOIN items i ON i.id = g.source_item ORDER BY g.id');
    assert.deepEqual(rows, [
      { domain: 'finance', body: 'Totals here are **net** of refunds.', item: 'g-0' },
      { domain: 'finance', body: 'Cite the page of the report.', item: null },
    ]);
    assert.equal(sql(db, "SELECT status FROM items WHERE external_id = 'g-1'")[0].status, 'pending');
  } finally {
    await app.stop();
  }

  app = await startApp(db);
  try {
    await app.browser.waitUntil(async () => (await guidelineTexts(app.browser)).length === 2, {
      timeout: 15000, timeoutMsg: 'both guidelines are shown after a restart',
    });
  } finally {
    await app.stop();
  }
});
