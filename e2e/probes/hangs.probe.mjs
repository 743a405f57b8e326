// A deliberately hanging suite, run only by e2e/check-reaping.sh: with the app up, it sends a
// WebDriver command that never gets an answer (a script that never finishes, with the script
// timeout lifted), as issue #15's screenshot did. The harness's command time limit must turn it
// into a failure that names the command and this line, and the app must be stopped.
import { test } from 'node:test';
import { seededDb, startApp } from '../harness.mjs';

test('probe: a WebDriver command that never answers', async () => {
  const { browser } = await startApp(seededDb());
  await browser.setTimeouts(undefined, undefined, 3_600_000);
  await browser.executeAsync(() => {});
});
