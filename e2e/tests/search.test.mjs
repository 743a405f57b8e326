// Full-text search in the real window: `/` focuses the box, results come from the FTS index,
// hostile FTS syntax is matched literally (never an error), and a result opens its item.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replaceText, screenshot, seededDb, selectedId, startApp } from '../harness.mjs';

async function resultIds(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="search-result"]')].map((row) => row.getAttribute('data-external-id')));
}

test('search finds items by their evidence, survives FTS syntax and opens a result', async () => {
  const db = seededDb();
  const { browser, stop } = await startApp(db);
  try {
    await browser.$('[data-testid="item-view"]').waitForDisplayed({ timeout: 15000 });
    await browser.keys('/');
    const input = browser.$('[data-testid="search-input"]');
    await browser.waitUntil(async () => (await browser.execute(() => document.activeElement?.id)) === 'search-input', {
      timeout: 15000, timeoutMsg: '/ focuses the search box',
    });
    assert.equal(await input.getValue(), '', 'the / key itself is not typed into the box');

    await input.setValue('Quality Cafe');
    await browser.waitUntil(async () => (await resultIds(browser)).includes('qa-26'), {
      timeout: 15000, timeoutMsg: 'the Quality Cafe passage of qa-26 is found',
    });

    for (const hostile of ['"', 'foo"', 'NEAR(', 'AND', '*', 'col:x', '-x']) {
      await replaceText(browser, input, hostile);
      await browser.$('[data-testid="search-results"]').waitForExist({ timeout: 15000, timeoutMsg: `results (maybe none) for ${hostile}` });
      assert.equal(await browser.$('.search [role="alert"]').isExisting(), false, `no error for the query ${hostile}`);
    }

    await replaceText(browser, input, 'Shippers');
    let seen = [];
    await browser.waitUntil(async () => (seen = await resultIds(browser)).includes('rel-northwind-1'), {
      timeout: 15000,
      timeoutMsg: `Shippers finds rel-northwind-1 (box: "${await input.getValue()}", results: ${JSON.stringify(seen)})`,
    });
    await browser.$('[data-testid="search-result"][data-external-id="rel-northwind-1"]').click();
    await browser.waitUntil(async () => (await selectedId(browser)) === 'rel-northwind-1', {
      timeout: 15000, timeoutMsg: 'a search result opens its item',
    });
    await screenshot(browser, 'search.png');
  } finally {
    await stop();
  }
});
