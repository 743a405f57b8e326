// The relationship graph in the real window, on Chinook: open it with its key, find a dashed
// candidate with the keyboard, open it for review, approve it with A, go back with Esc and see
// the same edge drawn solid — in the DOM and in SQLite. A candidate that contradicts an approved
// relationship is drawn as a conflict.
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
