// The review workspace in the real window: edit with a live and a saved diff, reject with a
// reason, needs-SME, undo/redo that survive a restart, a queue filter and the cheat sheet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { count, screenshot, seededDb, selectedId, sql, startApp, waitForCount } from '../harness.mjs';

const EDITED = 'The Dutch-Belgian series Het Huis Anubis first aired in 2006.';

async function waitForSelected(browser, id) {
  await browser.waitUntil(async () => (await selectedId(browser)) === id, {
    timeout: 10000,
    timeoutMsg: `item ${id} never became the shown item`,
  });
}

test('edit with diff, reject, needs SME, undo/redo across a restart, filter, cheat sheet', async () => {
  const db = seededDb();
  const { browser, stop } = await startApp(db);
  try {
    // Edit: the live diff follows the typing; after saving, the item shows the saved diff.
    await waitForSelected(browser, 'qa-9');
    await browser.keys('e');
    const editor = browser.$('[data-testid="answer-editor"]');
    await editor.waitForDisplayed();
    await editor.setValue(EDITED);
    const live = await browser.$('[data-testid="live-diff"]');
    assert.ok((await live.$$('ins')).length > 0, 'the live diff marks inserted words while typing');
    assert.ok((await live.$$('del')).length > 0, 'and the deleted original "2006"');
    await browser.keys(['Control', 'Enter']);
    await waitForCount(browser, 'edited', 1);
    await browser.$('[data-testid="count-edited"]').click();
    await waitForSelected(browser, 'qa-9');
    const saved = browser.$('[data-testid="saved-diff"]');
    await saved.waitForDisplayed();
    assert.match(await saved.getText(), /Anubis/, 'the saved item shows its diff against the model answer');
    await screenshot(browser, 'workspace-diff.png');
    await browser.$('[data-testid="count-pending"]').click();

    // Reject the next item with the third reason.
    await waitForSelected(browser, 'rel-chinook-1');
    await browser.keys('r');
    await browser.$('[data-testid="reject-dialog"]').waitForDisplayed();
    await browser.keys('3');
    await browser.keys('Enter');
    await waitForCount(browser, 'rejected', 1);

    // Needs SME with a question.
    const deferred = await selectedId(browser);
    await browser.keys('n');
    const question = browser.$('[data-testid="sme-question"]');
    await question.waitForDisplayed();
    await question.setValue('Is the 2006 date the Dutch or the US premiere?');
    await browser.keys(['Control', 'Enter']);
    await waitForCount(browser, 'needs_sme', 1);

    // Undo puts it back to pending; redo defers it again; undo once more before closing.
    await browser.keys(['Control', 'z']);
    await waitForCount(browser, 'needs_sme', 0);
    await waitForSelected(browser, deferred);
    await browser.keys(['Control', 'Shift', 'z']);
    await waitForCount(browser, 'needs_sme', 1);
    await browser.keys(['Control', 'z']);
    await waitForCount(browser, 'needs_sme', 0);
    assert.equal(await count(browser, 'pending'), 38, 'two decisions remain in force');
  } finally {
    await stop();
  }

  const log = sql(db, `SELECT i.external_id, d.action, d.reason, d.reverts IS NOT NULL AS is_revert, d.edit_distance
                       FROM decisions d JOIN items i ON i.id = d.item_id ORDER BY d.seq`);
  assert.deepEqual(log.map((r) => r.action), ['edit', 'reject', 'needs_sme', 'revert', 'revert', 'revert'],
    'undo and redo appended reverts; nothing was deleted');
  assert.equal(log[1].reason, 'incomplete', 'the third reason of the taxonomy was stored');
  assert.ok(log[0].edit_distance > 0, 'the core stored the word-level edit distance');

  // After a restart, redo still knows what was undone.
  const again = await startApp(db);
  try {
    const { browser } = again;
    assert.equal(await count(browser, 'needs_sme'), 0, 'the undo survived the restart');
    await browser.keys(['Control', 'Shift', 'z']);
    await waitForCount(browser, 'needs_sme', 1);

    // A filter: relationships only; counts follow the filter.
    const relationships = sql(db, `SELECT count(*) AS n FROM items WHERE kind = 'relationship' AND status = 'pending'`)[0].n;
    // The filters are a collapsed group in the sidebar: open it first.
    await browser.$('[data-testid="filter-toggle"]').click();
    await browser.$('[data-testid="filter-kind"]').selectByAttribute('value', 'relationship');
    await waitForCount(browser, 'pending', relationships);
    await browser.waitUntil(async () => (await selectedId(browser))?.startsWith('rel-'), {
      timeoutMsg: 'with the kind filter only relationship items are shown',
    });

    // The cheat sheet lists every action and closes with Escape.
    // The filter's select has focus, where keys are text; leave it first.
    await browser.execute(() => document.activeElement?.blur());
    await browser.keys('?');
    const sheet = browser.$('[data-testid="cheat-sheet"]');
    await sheet.waitForDisplayed();
    assert.equal((await browser.$$('[data-testid="cheat-sheet-row"]')).length, 30, 'every keymap action with its keys: the fifteen review actions (redact, claims and tie among them) and fifteen for files, discovery, sync, guidelines, models, prompts, review forms, stats, graph and reviewer');
    await screenshot(browser, 'workspace-cheat-sheet.png');
    await browser.keys('Escape');
    await sheet.waitForDisplayed({ reverse: true });
  } finally {
    await again.stop();
  }
});
