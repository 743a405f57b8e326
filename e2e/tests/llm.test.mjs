// LLM providers and runs from the real window, against the real local llama.cpp server that
// scripts/test-llm.sh starts (VETTED_TEST_LLM_URL), with keys in the throw-away Secret Service of
// scripts/test-keyring.sh: add a provider, hand its key to the OS keyring (the page never gets it
// back), vet part of the queue with progress and cost, see the verdict and the item's cost next
// to the item, cancel a second run — and find the key nowhere in the database or the settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { answerItemsFile, cliBinary, replaceText, screenshot, seededDb, sql, startApp, toastText } from '../harness.mjs';

const url = process.env.VETTED_TEST_LLM_URL;
const keyring = process.env.VETTED_TEST_KEYRING;
const skip = url && keyring ? false : 'needs VETTED_TEST_LLM_URL and VETTED_TEST_KEYRING: run `bash scripts/test-llm.sh bash scripts/test-keyring.sh bash e2e/run.sh`';
if (skip) console.error(`\n*** SKIPPED: LLM end-to-end suite — ${skip} ***\n`);

const CANARY = 'sk-vetted-e2e-canary-31c9f0aa7d';
// The keyring outlives a retried run of this suite: a fresh provider name starts without a key.
const NAME = `local-${process.pid}`;

const fill = (browser, testId, value) => replaceText(browser, browser.$(`[data-testid="${testId}"]`), value);

test('add a provider, keep its key in the keyring, vet the queue with progress and cost, cancel a run', { skip }, async () => {
  const db = seededDb();
  // The settings file goes to this config directory, not the user's.
  const config = mkdtempSync(join(tmpdir(), 'vetted-config-'));
  const settings = join(config, 'vetted', 'vetted.toml');
  const { browser, stop } = await startApp(db, { XDG_CONFIG_HOME: config });
  try {
    await browser.$('[data-testid="item-view"]').waitForDisplayed({ timeout: 15000 });
    const first = await browser.$('[data-testid="item-view"]').getAttribute('data-external-id');

    // Ctrl+Shift+L: providers. Add the local server; its key variable is unset.
    await browser.keys(['Control', 'Shift', 'L']);
    await browser.$('[data-testid="providers-dialog"]').waitForDisplayed({ timeout: 10000 });
    await fill(browser, 'provider-name', NAME);
    await fill(browser, 'provider-base-url', url);
    await fill(browser, 'provider-model', 'smollm2');
    await fill(browser, 'provider-key-env', 'VETTED_E2E_UNSET_KEY');
    await browser.keys('Enter');
    const keyCell = browser.$(`[data-testid="provider-key-${NAME}"]`);
    await keyCell.waitForExist({ timeout: 10000 });
    assert.equal(await keyCell.getAttribute('data-key'), 'missing', 'no key yet');

    // The key goes to the OS keyring; the page is left with no trace of it.
    await browser.$(`[data-testid="provider-set-key-${NAME}"]`).click();
    await fill(browser, 'provider-key-input', CANARY);
    await browser.keys('Enter');
    await browser.waitUntil(async () => (await keyCell.getAttribute('data-key')) === 'keyring', {
      timeout: 10000,
      timeoutMsg: 'the key cell never said "in the OS keyring"',
    });
    assert.equal(await keyCell.getText(), 'in the OS keyring');
    const page = await browser.execute(() => document.documentElement.outerHTML + JSON.stringify([...document.querySelectorAll('input')].map((i) => i.value)));
    assert.ok(!page.includes(CANARY), 'the key is not in the DOM or any field once stored');
    await screenshot(browser, 'llm-providers.png');
    await browser.keys('Escape');
    await browser.$('[data-testid="providers-dialog"]').waitForExist({ reverse: true, timeout: 5000 });

    // Ctrl+Shift+V: vet the first two items of the pending queue as shown.
    await browser.keys(['Control', 'Shift', 'V']);
    await browser.$('[data-testid="llm-run-dialog"]').waitForDisplayed({ timeout: 10000 });
    await browser.waitUntil(async () => (await browser.$('[data-testid="llm-run-provider"]').getValue()) === NAME, {
      timeout: 10000,
      timeoutMsg: 'the only provider is preselected',
    });
    assert.match(await browser.$('[data-testid="llm-run-scope"]').getText(), /pending for e2e-reviewer · oldest first/);
    await fill(browser, 'llm-run-limit', '2');
    await screenshot(browser, 'llm-run-dialog.png');
    await browser.keys(['Control', 'Enter']);
    const job = browser.$('[data-testid="job-vet"]');
    await job.waitForExist({ timeout: 15000 });
    const summary = await toastText(browser, 'vet run', 240000);
    assert.match(summary, /2 inputs · \d ok · \d failed/, summary);

    const calls = sql(db, "SELECT subject, provider, model, error_code FROM llm_calls ORDER BY id");
    assert.equal(calls.length, 2, `two calls were made and recorded: ${JSON.stringify(calls)}`);
    assert.ok(calls.every((c) => c.provider === NAME && c.model === 'smollm2'), JSON.stringify(calls));
    assert.ok(calls.some((c) => c.subject === first), `the run took the queue in its order, starting with the item shown (${first})`);
    const ok = calls.filter((c) => c.error_code === null).map((c) => c.subject);
    if (ok.includes(first)) {
      // The verdict and the item's cost appear next to the item without leaving it.
      let shown = '';
      const panelModel = () => browser.execute(() => document.querySelector('.vetting-model')?.textContent ?? '');
      await browser.waitUntil(async () => (shown = await panelModel()) === 'smollm2', {
        timeout: 10000,
        timeoutMsg: `the shown item's vetting panel names the new vetting model (it says "${shown}")`,
      });
      const reasons = await browser.execute(() => [...document.querySelectorAll('.vetting-reasons li')].map((li) => li.textContent));
      assert.equal(new Set(reasons).size, reasons.length, `each reason is listed once: ${reasons}`);
    }
    await browser.$('[data-testid="item-llm-cost"]').waitForExist({ timeout: 10000 });
    const cost = await browser.execute(() => document.querySelector('[data-testid="item-llm-cost"]')?.textContent);
    assert.match(cost, /^LLM \$0\.0000 · 1 call$/, 'the item header shows what its LLM calls cost (the local model is unpriced)');
    await screenshot(browser, 'llm-vetted-item.png');

    // A second, larger run is cancelled: finished calls stay, the rest never happen.
    await browser.keys(['Control', 'Shift', 'V']);
    await browser.$('[data-testid="llm-run-dialog"]').waitForDisplayed({ timeout: 10000 });
    await fill(browser, 'llm-run-limit', '40');
    await browser.$('[data-testid="llm-run-revet"]').click();
    await browser.keys(['Control', 'Enter']);
    await job.waitForExist({ timeout: 15000 });
    // Calls run four at a time: once some finish, the panel shows how many and what they cost.
    let label = '';
    const jobLabel = () => browser.execute(() => document.querySelector('[data-testid="job-vet"] .job-label')?.textContent ?? '');
    await browser.waitUntil(async () => /^Vetting: [1-9]\d* \/ 40 · \$0\.0000/.test((label = await jobLabel())), {
      timeout: 240000,
      timeoutMsg: `the job shows inputs done of 40 and the cost so far (last: "${label}")`,
    });
    await screenshot(browser, 'llm-run-progress.png');
    await browser.$('[data-testid="job-cancel"]').click();
    await toastText(browser, 'Vetting cancelled; results of the calls that finished are kept.', 60000);
    const after = sql(db, 'SELECT count(*) AS n FROM llm_calls')[0].n;
    assert.ok(after < 2 + 40, `the cancelled run stopped early (${after - 2} of 40 calls)`);
    assert.equal(sql(db, 'SELECT cancelled FROM llm_runs ORDER BY id DESC LIMIT 1')[0].cancelled, 1, 'the run is recorded as cancelled');
  } finally {
    await stop();
  }

  // The key is in the keyring and nowhere else.
  const listed = JSON.parse(execFileSync(cliBinary, ['--db', db, 'provider', '--settings', settings, 'list', '--json']).toString());
  assert.equal(listed[0].key.kind, 'keyring', 'the CLI finds the key the window stored');
  for (const file of [db, `${db}-wal`, settings]) {
    let bytes = '';
    try {
      bytes = readFileSync(file, 'latin1');
    } catch {
      continue;
    }
    assert.ok(!bytes.includes(CANARY), `the key is not in ${file}`);
  }
  assert.ok(readFileSync(settings, 'utf8').includes(`[providers.${NAME}]`), 'the provider is in the settings file');
  assert.equal(dirname(settings), join(config, 'vetted'));
});

/** A config folder whose settings name the local server as provider NAME (no key needed). */
function localProvider(db) {
  const config = mkdtempSync(join(tmpdir(), 'vetted-config-'));
  const settings = join(config, 'vetted', 'vetted.toml');
  execFileSync(cliBinary, ['--db', db, 'provider', '--settings', settings, 'add', NAME, '--base-url', url, '--model', 'smollm2', '--api-key-env', 'VETTED_E2E_UNSET_KEY'], { stdio: 'pipe' });
  return config;
}

test('align the vetting model from the dialog and read its figures on the dashboard', { skip }, async () => {
  // Twelve answers of one domain, decided: eight approved, four rejected.
  const db = seededDb();
  const cli = (...args) => execFileSync(cliBinary, ['--db', db, ...args], { stdio: 'pipe' }).toString();
  cli('import', answerItemsFile('al', 12, { fields: { domain: 'aligned' } }));
  for (let i = 0; i < 12; i++) {
    cli('decide', `al-${i}`, ...(i % 3 === 0 ? ['reject', '--reason', 'unsupported_by_evidence'] : ['approve']), '--reviewer', 'sme');
  }
  const { browser, stop } = await startApp(db, { XDG_CONFIG_HOME: localProvider(db) });
  try {
    await browser.$('[data-testid="item-view"]').waitForDisplayed({ timeout: 15000 });
    await browser.keys(['Control', 'Shift', 'V']);
    await browser.$('[data-testid="llm-run-dialog"]').waitForDisplayed({ timeout: 10000 });
    await browser.$('[data-testid="llm-run-role"]').selectByAttribute('value', 'align');
    await fill(browser, 'llm-run-domain', 'aligned');
    await fill(browser, 'llm-run-holdout', '0.9');
    await fill(browser, 'llm-run-limit', '3');
    // Compare the item alone with guidelines plus similar decided items.
    await browser.$('[data-testid="llm-run-variant-guidelines"]').click();
    await browser.$('[data-testid="llm-run-variant-examples"]').click();
    await screenshot(browser, 'llm-align-dialog.png');
    await browser.keys(['Control', 'Enter']);
    const summary = await toastText(browser, 'alignment run', 240000);
    assert.match(summary, /^alignment run 1 of aligned with smollm2 \(3 held-out items per variant\): κ base (n\/a|-?\d\.\d\d), both (n\/a|-?\d\.\d\d)/, summary);
    const variants = sql(db, 'SELECT variant FROM alignment_variants ORDER BY run_id').map((r) => r.variant);
    assert.deepEqual(variants, ['base', 'both'], 'the two variants chosen ran, in order');

    // The dashboard charts the run and says what threshold its verdicts support.
    await browser.keys(['Control', 'Shift', 'D']);
    const card = browser.$('[data-testid="alignment-runs"]');
    await card.waitForDisplayed({ timeout: 15000, timeoutMsg: 'the alignment card is on the dashboard' });
    const rows = await browser.execute(() => [...document.querySelectorAll('[data-testid="alignment-variant"] td:first-child')].map((td) => td.textContent));
    assert.deepEqual(rows, ['Item only', '+ both'], 'one row per variant of the latest run');
    const headline = browser.$('[data-testid="threshold-headline"]');
    await headline.waitForDisplayed({ timeout: 15000 });
    // Three judged items cannot back a threshold (20 passes are needed): it says so, and offers nothing to show.
    assert.equal(await headline.getText(), 'No threshold reaches 98% precision with 95% confidence');
    assert.equal(await browser.$('[data-testid="threshold-show"]').isEnabled(), false, 'nothing to show in the queue');
    await card.scrollIntoView();
    await screenshot(browser, 'dashboard-alignment.png');
  } finally {
    await stop();
  }
});

test("a domain's own vetting prompt, written in the window, is the one the next verdict names", { skip }, async () => {
  const db = seededDb();
  const { browser, stop } = await startApp(db, { XDG_CONFIG_HOME: localProvider(db) });
  try {
    await browser.$('[data-testid="item-view"]').waitForDisplayed({ timeout: 15000 });
    const first = await browser.$('[data-testid="item-view"]').getAttribute('data-external-id');
    const domain = sql(db, `SELECT domain FROM items WHERE external_id = '${first}'`)[0].domain;

    // Ctrl+Shift+T: prompts per domain. The built-in vetting prompt is in force.
    await browser.keys(['Control', 'Shift', 'T']);
    await browser.$('[data-testid="prompts-dialog"]').waitForDisplayed({ timeout: 10000 });
    await browser.$('[data-testid="prompts-domain"]').selectByAttribute('value', domain);
    const version = browser.$('[data-testid="prompts-version"]');
    const editor = browser.$('[data-testid="prompts-text"]');
    // The editor is disabled from the domain's change until its text has arrived.
    await browser.waitUntil(async () => (await editor.isEnabled()) && (await version.getText()).includes('vet.v3 (built in)'), {
      timeout: 10000,
      timeoutMsg: 'the built-in prompt of the domain is shown',
    });
    // The domain's rule goes at the end of the built-in text (which keeps the reasons the vetter may give).
    // WebDriver's element send keys types after the text that is there.
    await editor.addValue(' In this domain, fail any answer that names no passage.');
    let typed = '';
    await browser.waitUntil(async () => (typed = await editor.getValue()).endsWith('names no passage.') && typed.length > 200, {
      timeout: 5000,
      timeoutMsg: `the rule was typed at the end of the built-in text: …${typed.slice(-120)}`,
    });
    await browser.keys(['Control', 'Enter']);
    const saved = browser.$('[data-testid="prompts-saved"]');
    await saved.waitForDisplayed({ timeout: 10000 });
    const match = /Saved as (vet\.v3\+.+:[0-9a-f]{8})\./.exec(await saved.getText());
    assert.ok(match, `the new version is named: ${await saved.getText()}`);
    const ownVersion = match[1];
    await browser.waitUntil(async () => (await version.getText()).includes(`${ownVersion} (this domain's own)`), { timeout: 10000 });
    assert.equal((await browser.$$('[data-testid="prompts-revision"]')).length, 1, 'one revision in the history');
    await screenshot(browser, 'prompts-dialog.png');
    await browser.keys('Escape');
    await browser.$('[data-testid="prompts-dialog"]').waitForExist({ reverse: true, timeout: 5000 });

    // Vet the item shown: the call records the domain's version, and the verdict names it.
    await browser.keys(['Control', 'Shift', 'V']);
    await browser.$('[data-testid="llm-run-dialog"]').waitForDisplayed({ timeout: 10000 });
    await fill(browser, 'llm-run-limit', '1');
    await browser.keys(['Control', 'Enter']);
    await toastText(browser, 'vet run', 240000);
    const calls = sql(db, 'SELECT subject, prompt_version, error_code FROM llm_calls');
    assert.deepEqual(calls.map((c) => [c.subject, c.prompt_version]), [[first, ownVersion]], JSON.stringify(calls));
    if (calls[0].error_code !== null) {
      console.error(`\n*** the local model's verdict did not parse (${calls[0].error_code}): the vetting panel's version was not checked ***\n`);
    } else {
      const shown = browser.$('[data-testid="vetting-prompt"]');
      await shown.waitForDisplayed({ timeout: 10000, timeoutMsg: 'the vetting panel names the prompt version' });
      assert.equal(await shown.getText(), ownVersion);
      await screenshot(browser, 'vetting-prompt-version.png');
    }
  } finally {
    await stop();
  }
});
