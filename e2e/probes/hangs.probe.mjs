// A deliberately hanging suite, run only by e2e/check-reaping.sh: it starts the app through the
// harness and then waits forever, as a WebDriver command with no answer would. The run's time
// limits must turn it into a failure and stop the app.
import { test } from 'node:test';
import { seededDb, startApp } from '../harness.mjs';

test('probe: hangs with the app running', async () => {
  await startApp(seededDb());
  await new Promise(() => setInterval(() => {}, 60_000));
});
