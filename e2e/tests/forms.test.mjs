// Review forms (#19) in the real window: a domain's rubric answered by keys, refused while a
// required question is open, sent with the decision in one call, and read back from the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerItemsFile, cliBinary, count, screenshot, seededDb, selectedId, startApp, toastText, waitForCount } from '../harness.mjs';

const FORM = `
[[question]]
id = "correctness"
label = "How correct is the answer?"
type = "rating"
scale = 5
labels = ["wrong", "mostly wrong", "partly right", "mostly right", "right"]
required = true

[[question]]
id = "cites_sources"
label = "Does it cite its sources?"
type = "yes_no"

[[question]]
id = "issues"
label = "Issues"
type = "multi_label"
options = ["hallucination", "outdated", "personal_data"]
`;

/** Sets a multi-line textarea's text as typing would end (React sees an input event). */
async function setText(browser, selector, text) {
  await browser.execute((sel, value) => {
    const field = document.querySelector(sel);
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(field, value);
    field.dispatchEvent(new Event('input', { bubbles: true }));
  }, selector, text);
  await browser.waitUntil(async () => (await browser.$(selector).getValue()) === text, { timeoutMsg: `${selector} holds the new text` });
}

const questionClass = (browser, id) =>
  browser.execute((q) => document.querySelector(`[data-question="${q}"]`)?.className ?? '', id);

test('a rubric answered by keys is stored with the decision', async () => {
  const db = seededDb(answerItemsFile('rub', 3));
  const formFile = join(mkdtempSync(join(tmpdir(), 'vetted-form-')), 'film.toml');
  writeFileSync(formFile, FORM);
  execFileSync(cliBinary, ['--db', db, 'forms', 'set', 'film-tv', formFile]);

  const { browser, stop } = await startApp(db);
  try {
    assert.equal(await selectedId(browser), 'rub-0');
    await browser.$('[data-testid="review-form"]').waitForDisplayed({ timeoutMsg: 'the domain form is shown beside the item' });
    assert.equal((await browser.$$('[data-testid="form-question"]')).length, 3);

    await browser.keys('a');
    await toastText(browser, 'Answer the review form first');
    assert.match(await questionClass(browser, 'correctness'), /missing/, 'the open required question is marked');
    assert.equal(await count(browser, 'approved'), 0, 'nothing was decided');

    await browser.keys('4'); // correctness: mostly right, then on to the next question
    assert.match(await questionClass(browser, 'cites_sources'), /focused/, 'a rating moves the focus on');
    await browser.keys('2'); // cites_sources: no
    await browser.keys('1'); // issues: hallucination
    await browser.keys('3'); // issues: personal_data
    const picked = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="form-choice"][aria-pressed="true"]')].map((b) => b.textContent.trim()));
    assert.deepEqual(picked, ['4 mostly right', '2 No', '1 hallucination', '3 personal_data'], 'each key answered its question');
    await screenshot(browser, 'review-form.png');

    await browser.keys('a');
    await waitForCount(browser, 'approved', 1);
    await browser.waitUntil(async () => (await selectedId(browser)) === 'rub-1', { timeoutMsg: 'the queue advances' });
    const fresh = await browser.execute(() => document.querySelectorAll('[data-testid="form-choice"][aria-pressed="true"]').length);
    assert.equal(fresh, 0, 'the next item starts with an empty form');

    // The dashboard charts each question's answers.
    await browser.keys(['Control', 'Shift', 'd']);
    await browser.$('[data-testid="stats-dashboard"]').waitForDisplayed();
    await browser.waitUntil(async () => (await browser.$$('[data-testid="chart-form-question"]')).length === 3,
      { timeoutMsg: 'one card per question of the form' });
    const note = await browser.$('[data-testid="chart-form-question"] .chart-note').getText();
    assert.match(note, /Review form v1: 1 item answered, mean 4\.00; α \(ordinal\): no item answered by two reviewers yet/,
      'the rating card gives the count, the mean and why there is no α yet');
    await browser.$('[data-testid="chart-form-question"]').scrollIntoView();
    await screenshot(browser, 'review-form-stats.png');
    await browser.keys('Escape');

    // The form is edited in the app: a typo is refused with its line, a fix becomes version 2.
    await browser.keys(['Control', 'Shift', 'f']);
    const editor = browser.$('[data-testid="review-form-text"]');
    await editor.waitForDisplayed({ timeoutMsg: 'Ctrl+Shift+F opens the form editor' });
    await browser.waitUntil(async () => (await editor.getValue()).includes('correctness'), { timeoutMsg: 'the form in force is shown as TOML' });
    const current = await editor.getValue();
    await setText(browser, '[data-testid="review-form-text"]', current.replace('scale = 5', 'scael = 5'));
    await browser.$('[data-testid="review-form-save"]').click();
    const problem = await browser.$('[data-testid="review-form-problem"]');
    await problem.waitForDisplayed();
    assert.match(await problem.getText(), /^line \d+: scael/, 'the refusal names the line and the field');
    await setText(browser, '[data-testid="review-form-text"]', current.replace('required = true', 'required = false'));
    // Ctrl+Enter saves from anywhere in the dialog (the focus is on the Save button here).
    await browser.keys(['Control', 'Enter']);
    await browser.$('[data-testid="review-form-saved"]').waitForDisplayed();
    assert.match(await browser.$('[data-testid="review-form-saved"]').getText(), /Version 2 is in force in film-tv/);
    await browser.keys('Escape');
    await browser.waitUntil(async () => (await browser.$('[data-testid="review-form"]').getAttribute('data-version')) === '2',
      { timeoutMsg: 'the review loop asks the new version at once' });
  } finally {
    await stop();
  }

  const shown = JSON.parse(execFileSync(cliBinary, ['--db', db, 'show', 'rub-0', '--json']).toString());
  assert.deepEqual(
    shown.form_answers.map((a) => [a.question, a.value, a.form_version]),
    [['cites_sources', false, 1], ['correctness', 4, 1], ['issues', ['hallucination', 'personal_data'], 1]],
    'the answers are stored with the approval, under the form version in force',
  );
  assert.equal(shown.form_answers[0].decision_id, shown.decisions[0].id, 'tied to the decision');
  const versions = JSON.parse(execFileSync(cliBinary, ['--db', db, 'forms', 'show', 'film-tv', '--json']).toString());
  assert.equal(versions.in_force.questions[0].required, false, 'the version saved in the app is in force, with its change');
});
