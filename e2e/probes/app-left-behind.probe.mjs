// A deliberately failing suite, run only by e2e/check-reaping.sh (never by run.sh's default list).
// It fails the way issue #15's LLM suite did: its app outlives it, re-parented to init once the
// test process is gone, in a session of its own (out of reach of the suite's process group), and
// holding the test process's output pipe, which made `node --test` wait forever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appBinary, seededDb, sleep } from '../harness.mjs';

test('probe: fails and leaves the app running, holding the runner\'s output', async () => {
  const db = seededDb();
  const app = spawn(appBinary, [], {
    env: { ...process.env, VETTED_DB: db, VETTED_REVIEWER: 'probe' },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  app.unref();
  // Long enough for the window to be up, so the process is a real, running app.
  await sleep(3000);
  assert.equal(app.exitCode, null, 'the probe app is running');
  assert.fail('probe: failing on purpose with the app left running');
});
