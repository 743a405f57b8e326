// Issue #15: without a GPU the app paints without compositing, and WebKitGTK 2.50 then answers
// WebDriver's screenshot only once the page paints again. A page that has been still for a while
// (nothing focused, nothing animating) never painted again, and the LLM suite's screenshot hung.
// The harness's screenshot keeps the page painting while it is taken; this proves it on a page
// that has been still for longer than anything in it moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, screenshot, seededDb, sleep, startApp } from '../harness.mjs';

test('a screenshot of a page that has been still for seconds is taken at once', async () => {
  const { browser, stop } = await startApp(seededDb());
  try {
    await browser.$('[data-testid="item-view"]').waitForDisplayed({ timeout: 15000 });
    await browser.execute(() => {
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    });
    // Longer than any transition in the app and than GTK's caret blinking (10 s by default).
    await sleep(12_000);
    const started = Date.now();
    await screenshot(browser, 'still-page.png');
    const took = Date.now() - started;
    assert.ok(took < 10_000, `the screenshot took ${took} ms (a still page must not wait for a repaint)`);
    assert.ok(statSync(join(artifacts, 'still-page.png')).size > 10_000, 'the screenshot holds a picture of the window');
    assert.equal(await browser.execute(() => document.getElementById('e2e-repaint')), null, 'the repaint pixel is removed afterwards');
  } finally {
    await stop();
  }
});
