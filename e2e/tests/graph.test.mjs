// The relationship graph in the real window, on Chinook: open it with its key, find a dashed
// candidate with the keyboard, open it for review, approve it with A, go back with Esc and see
// the same edge drawn solid — in the DOM and in SQLite. A candidate that contradicts an approved
// relationship is drawn as a conflict. Then approve by rule: B, Enter checks the rule, Enter
// approves exactly what the CLI's dry run lists, and one Ctrl+Z in the graph takes it all back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chinook, cliBinary, screenshot, seededDb, selectedId, sql, startApp, waitForCount } from '../harness.mjs';

const edgeOf = (browser, item) => browser.$(`[data-testid="graph-svg"] path.graph-edge[data-item="${item}"]`);
const focusedItem = (browser) => browser.$('[data-testid="graph-focus-edge"]').getAttribute('data-focus-item').catch(() => null);

test('graph: pick a dashed candidate with the keyboard, approve it, see it solid', async () => {
  const db = seededDb(undefined, [chinook]);
  // Invoice.CustomerId → Customer approved beforehand: rel-chinook-3 (Invoice.CustomerId → Employee) now conflicts.
  execFileSync(cliBinary, ['--db', db, 'decide', 'rel-chinook-1', 'approve', '--reviewer', 'seeder'], { stdio: 'pipe' });
  const { browser, stop } = await startApp(db);
  try {
    await browser.$('[data-testid="item-view"]').waitForDisplayed({ timeout: 20000 });
    await browser.keys(['Control', 'Shift', 'g']);
    await browser.$('[data-testid="graph-svg"]').waitForDisplayed({ timeout: 20000, timeoutMsg: 'Ctrl+Shift+G opens the graph' });

    assert.equal(await browser.$$('[data-testid="graph-svg"] .graph-node').length, 11 + 6,
      'the 11 Chinook tables and the 6 Northwind products the demo items name');
    assert.equal(await browser.$$('[data-testid="graph-svg"] path.graph-edge').length, 16, 'one edge per relationship item');
    const approved = edgeOf(browser, 'rel-chinook-1');
    assert.equal(await approved.getAttribute('data-status'), 'approved');
    assert.equal(await approved.getAttribute('stroke-dasharray'), null, 'an approved relationship is solid');
    assert.equal(await edgeOf(browser, 'rel-chinook-3').getAttribute('data-conflict'), 'true',
      'the candidate pointing Invoice.CustomerId elsewhere is a conflict');

    // N walks the candidates in item order; stop at Track.AlbumId → Album.AlbumId.
    const target = 'rel-chinook-2';
    for (let step = 0; step < 20 && (await focusedItem(browser)) !== target; step++) {
      const before = await focusedItem(browser);
      await browser.keys('n');
      await browser.waitUntil(async () => (await focusedItem(browser)) !== before, { timeout: 3000 });
    }
    assert.equal(await focusedItem(browser), target, `reached ${target} with N`);
    const candidate = edgeOf(browser, target);
    assert.equal(await candidate.getAttribute('data-status'), 'pending');
    assert.ok(await candidate.getAttribute('stroke-dasharray'), 'a pending candidate is dashed');
    assert.match(await browser.$('[data-testid="graph-details"]').getText(), /Track → Album[\s\S]*AlbumId → AlbumId/,
      'the side panel names the focused relationship');
    await screenshot(browser, 'graph-candidate-focused.png');

    await browser.keys('Enter');
    await browser.$('[data-testid="item-view"]').waitForDisplayed({ timeout: 20000, timeoutMsg: 'Enter opens the item' });
    await browser.waitUntil(async () => (await selectedId(browser)) === target, { timeout: 10000, timeoutMsg: 'the opened item is the edge\'s' });
    await browser.keys('a');
    await waitForCount(browser, 'approved', 2);

    await browser.keys('Escape');
    await browser.$('[data-testid="graph-svg"]').waitForDisplayed({ timeout: 20000, timeoutMsg: 'Esc returns to the graph' });
    await browser.waitUntil(async () => (await edgeOf(browser, target).getAttribute('data-status')) === 'approved', {
      timeout: 10000, timeoutMsg: 'the approved edge is redrawn as approved',
    });
    assert.equal(await edgeOf(browser, target).getAttribute('stroke-dasharray'), null, 'and solid');
    assert.equal(await focusedItem(browser), target, 'the focus is where the reviewer left it');
    await screenshot(browser, 'graph-approved.png');

    // Esc steps back to the product, then out of the graph.
    await browser.keys('Escape');
    await browser.waitUntil(async () => !(await browser.$('[data-testid="graph-focus-edge"]').isExisting()), { timeout: 5000 });
    await browser.keys('Escape');
    await browser.$('[data-testid="item-view"]').waitForDisplayed({ timeout: 10000, timeoutMsg: 'Esc on a product leaves the graph' });
  } finally {
    await stop();
  }
  const [row] = sql(db, `SELECT i.status, d.action, d.reviewer FROM items i JOIN decisions d ON d.item_id = i.id
                         WHERE i.external_id = 'rel-chinook-2'`);
  assert.deepEqual(row, { status: 'approved', action: 'approve', reviewer: 'e2e-reviewer' }, 'the approval is in SQLite');
});

test('graph: approve by rule in one step, then take it all back with one Ctrl+Z', async () => {
  const db = seededDb(undefined, [chinook]);
  const rule = 'containment>=100%, target-key, names>=50%';
  // What the core's plan approves, from the CLI: the app must approve exactly these.
  const preview = JSON.parse(execFileSync(cliBinary, ['--db', db, 'approve-where', rule, '--dry-run', '--json', '--reviewer', 'e2e-reviewer'], { encoding: 'utf8' }));
  const expected = preview.approve.map((c) => c.item).sort();
  assert.ok(expected.length >= 2, `the demo has several obvious candidates: ${JSON.stringify(preview)}`);
  assert.ok(preview.leave.length >= 1, 'and some the rule leaves');
  const { browser, stop } = await startApp(db);
  try {
    await browser.$('[data-testid="item-view"]').waitForDisplayed({ timeout: 20000 });
    await browser.keys(['Control', 'Shift', 'g']);
    await browser.$('[data-testid="graph-svg"]').waitForDisplayed({ timeout: 20000, timeoutMsg: 'Ctrl+Shift+G opens the graph' });
    for (const item of expected) assert.equal(await edgeOf(browser, item).getAttribute('data-status'), 'pending', `${item} starts pending`);

    await browser.keys('b');
    await browser.$('[data-testid="rule-dialog"]').waitForDisplayed({ timeout: 5000, timeoutMsg: 'B opens approve by rule' });
    assert.equal(await browser.$('[data-testid="rule-text"]').getValue(), rule, 'the obvious rule is offered');
    await browser.keys('Enter');
    const summary = browser.$('[data-testid="rule-summary"]');
    await summary.waitForDisplayed({ timeout: 20000, timeoutMsg: 'Enter checks the rule' });
    assert.equal(await summary.getText(), `${expected.length} of ${expected.length + preview.leave.length} candidates meet the rule.`);
    assert.match(await browser.$('[data-testid="rule-left"]').getText(), /Left for review: \d+ ×/, 'why the rest is left');
    await screenshot(browser, 'graph-rule-checked.png');

    await browser.keys('Enter');
    await browser.$('[data-testid="rule-dialog"]').waitForDisplayed({ reverse: true, timeout: 20000, timeoutMsg: 'Enter approves and closes' });
    for (const item of expected) {
      await browser.waitUntil(async () => (await edgeOf(browser, item).getAttribute('data-status')) === 'approved', {
        timeout: 10000, timeoutMsg: `${item} is drawn approved`,
      });
      assert.equal(await edgeOf(browser, item).getAttribute('stroke-dasharray'), null, `${item} is solid`);
    }
    const notes = sql(db, `SELECT i.external_id AS item, d.reviewer, d.note FROM decisions d JOIN items i ON i.id = d.item_id
                           WHERE d.action = 'approve' ORDER BY i.external_id`);
    assert.deepEqual(notes.map((r) => r.item), expected, 'one approval per planned candidate, nothing else');
    assert.ok(notes.every((r) => r.reviewer === 'e2e-reviewer' && r.note === `approved by rule: ${rule}`), JSON.stringify(notes));
    await screenshot(browser, 'graph-rule-approved.png');

    await browser.keys(['Control', 'z']);
    for (const item of expected) {
      await browser.waitUntil(async () => (await edgeOf(browser, item).getAttribute('data-status')) === 'pending', {
        timeout: 10000, timeoutMsg: `one Ctrl+Z takes ${item} back too`,
      });
    }
  } finally {
    await stop();
  }
  const statuses = sql(db, `SELECT status, count(*) AS n FROM items WHERE external_id IN (${expected.map((i) => `'${i}'`).join(',')}) GROUP BY status`);
  assert.deepEqual(statuses, [{ status: 'pending', n: expected.length }], 'all pending again in SQLite');
  const [batches] = sql(db, 'SELECT count(DISTINCT batch_id) AS batches, count(*) AS rows FROM decision_batches');
  assert.deepEqual(batches, { batches: 2, rows: 2 * expected.length }, 'the approval and its undo, each one batch');
});
