// Relationship review on real data: retarget a wrong mapping in the editor, save it as an edit,
// watch the computed evidence confirm it, and find the edit in SQLite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chinook, screenshot, seededDb, selectedId, sql, startApp, waitForCount } from '../harness.mjs';

/** Walks the queue with J (the list is virtualized, so far rows are not in the DOM). */
async function goTo(browser, id) {
  for (let step = 0; step < 60 && (await selectedId(browser)) !== id; step++) {
    const before = await selectedId(browser);
    await browser.keys('j');
    await browser.waitUntil(async () => (await selectedId(browser)) !== before, { timeout: 3000 }).catch(() => {});
  }
  assert.equal(await selectedId(browser), id, `reached ${id} with J`);
}

test('edit a mapping; the evidence recomputes and the edit is stored', async () => {
  const db = seededDb(undefined, [chinook]);
  const { browser, stop } = await startApp(db);
  try {
    await goTo(browser, 'rel-chinook-7');
    const containment = browser.$('[data-testid="figure-containment"]');
    await containment.waitForDisplayed();
    assert.match(await containment.getText(), /^Containment\s*0%\s*0 of \d+ distinct/,
      'Track.Milliseconds → Album.AlbumId is contradicted by the data');

    await browser.keys('e');
    const source = browser.$('select[aria-label="Source field 1"]');
    await source.waitForDisplayed();
    await source.selectByVisibleText('AlbumId');
    await browser.keys(['Control', 'Enter']);
    await waitForCount(browser, 'edited', 1);

    // Back to the edited item (now under Edited): the evidence describes the corrected mapping.
    await browser.$('[data-testid="count-edited"]').click();
    await goTo(browser, 'rel-chinook-7');
    await browser.waitUntil(async () => /^Containment\s*100%/.test(await browser.$('[data-testid="figure-containment"]').getText()), {
      timeoutMsg: 'Track.AlbumId → Album.AlbumId is fully contained',
    });
    await screenshot(browser, 'relationship-edited.png');
  } finally {
    await stop();
  }

  const [row] = sql(db, `SELECT d.action, d.edited_payload FROM decisions d JOIN items i ON i.id = d.item_id
                         WHERE i.external_id = 'rel-chinook-7'`);
  assert.equal(row.action, 'edit');
  const edited = JSON.parse(row.edited_payload);
  assert.deepEqual(edited.relation.mapping, [{ source_field: 'AlbumId', target_field: 'AlbumId' }],
    'the corrected mapping is stored with the decision');
});
