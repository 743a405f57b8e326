// Hostile LLM output in every rendered field: nothing executes, nothing is fetched, the layout holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { root, screenshot, seededDb, selectedId, startApp } from '../harness.mjs';

async function assertInert(browser, label) {
  const pwned = await browser.execute(() => window.__pwned ?? null);
  assert.equal(pwned, null, `${label}: no payload ran (window.__pwned stays unset)`);
  const active = await browser.execute(() =>
    document.querySelectorAll('img, iframe, svg script, style:not([data-vite-dev-id]), a[href^="javascript:"], a[href^="data:"], [onerror], [onload], [onmouseover]').length);
  assert.equal(active, 0, `${label}: no payload became an element or handler`);
  const remote = await browser.execute(() =>
    performance.getEntriesByType('resource').map((e) => e.name)
      .filter((u) => !u.startsWith('tauri://') && !u.startsWith('http://tauri.localhost') && !u.startsWith('ipc:') && !u.startsWith('http://ipc.localhost')));
  assert.deepEqual(remote, [], `${label}: no request left the app`);
  const overflow = await browser.execute(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${label}: a 20k-character line does not widen the window (overflow ${overflow}px)`);
}

test('hostile answers, evidence, names and cells render inert', async () => {
  const db = seededDb(join(root, 'e2e/fixtures/hostile.jsonl'));
  const { browser, stop } = await startApp(db);
  try {
    assert.equal(await selectedId(browser), 'xss-answer');
    const answerText = await browser.$('[data-testid="item-view"]').getText();
    assert.ok(answerText.includes('<script>window.__pwned = "script"</script>'),
      'the payload is shown as text, so the reviewer can see and reject it');
    await assertInert(browser, 'answer item');
    await screenshot(browser, 'hostile-answer.png');

    await browser.keys('j');
    await browser.waitUntil(async () => (await selectedId(browser)) === 'xss-relationship');
    await assertInert(browser, 'relationship item');
    await screenshot(browser, 'hostile-relationship.png');
  } finally {
    await stop();
  }
});
