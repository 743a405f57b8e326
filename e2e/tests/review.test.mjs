// The walking skeleton end to end: approve, reject with a reason and edit — by keyboard — in the
// real window, then find the three decisions in SQLite and the same state after a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chinook, count, screenshot, seededDb, selectedId, sql, startApp, waitForCount } from '../harness.mjs';

test('review three items by keyboard; decisions land in SQLite and survive a restart', async () => {
  const db = seededDb(undefined, [chinook]);
  const { browser, stop } = await startApp(db);
  try {
    assert.equal(await count(browser, 'pending'), 40, 'the demo queue starts fully pending');
    const first = await selectedId(browser);
    assert.equal(first, 'qa-9', 'the first pending item is selected on start');
    const evidence = await browser.$$('[data-testid="evidence"]');
    assert.ok(evidence.length >= 1, 'an answer item shows its evidence passages');

    // A: approve the answer.
    await browser.keys('a');
    await waitForCount(browser, 'approved', 1);
    await browser.waitUntil(async () => (await selectedId(browser)) !== first, {
      timeoutMsg: 'the queue advances after a decision',
    });

    // R: reject the relationship that follows, with the second reason.
    const second = await selectedId(browser);
    assert.equal(second, 'rel-chinook-1');
    assert.ok(await browser.$('[data-testid="product-source"]').isDisplayed(), 'source product shown');
    assert.ok(await browser.$('[data-testid="product-target"]').isDisplayed(), 'target product shown');
    const containment = browser.$('[data-testid="figure-containment"]');
    await containment.waitForDisplayed({ timeoutMsg: 'computed evidence is shown next to the relationship' });
    assert.match(await containment.getText(), /100%[\s\S]*59 of 59 distinct source values/,
      'containment is computed on the registered Chinook tables, not on the 5 sample rows');
    await screenshot(browser, 'relationship.png');
    await browser.keys('r');
    await browser.$('[data-testid="reject-dialog"]').waitForDisplayed();
    await browser.keys('2');
    await browser.keys('Enter');
    await waitForCount(browser, 'rejected', 1);

    // E: edit the next answer, save with Ctrl+Enter.
    const third = await selectedId(browser);
    assert.equal(third, 'qa-26');
    await browser.keys('e');
    const editor = browser.$('[data-testid="answer-editor"]');
    await editor.waitForDisplayed();
    await editor.setValue('Richard Fleischer directed it, according to passage doc-1.');
    await browser.keys(['Control', 'Enter']);
    await waitForCount(browser, 'edited', 1);
    assert.equal(await count(browser, 'pending'), 37);

    await screenshot(browser, 'review.png');
  } finally {
    await stop();
  }

  const rows = sql(db, `SELECT i.external_id, d.action, d.reason, d.edited_payload, d.reviewer
                        FROM decisions d JOIN items i ON i.id = d.item_id ORDER BY d.seq`);
  assert.deepEqual(
    rows.map((r) => [r.external_id, r.action, r.reason]),
    [
      ['qa-9', 'approve', null],
      ['rel-chinook-1', 'reject', 'contradicts_evidence'],
      ['qa-26', 'edit', null],
    ],
    'the three keyboard decisions are in the decisions table, in order',
  );
  assert.equal(JSON.parse(rows[2].edited_payload).answer,
    'Richard Fleischer directed it, according to passage doc-1.', 'the edited text is stored');
  assert.ok(rows.every((r) => r.reviewer === 'e2e-reviewer'), 'every decision carries the reviewer');

  // Closing and reopening shows the same state.
  const again = await startApp(db);
  try {
    assert.equal(await count(again.browser, 'approved'), 1);
    assert.equal(await count(again.browser, 'rejected'), 1);
    assert.equal(await count(again.browser, 'edited'), 1);
    assert.equal(await count(again.browser, 'pending'), 37);
    assert.equal(await selectedId(again.browser), 'rel-northwind-1',
      'the first still-pending item is selected after a restart');
  } finally {
    await again.stop();
  }
});
