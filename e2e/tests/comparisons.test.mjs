// Comparisons (#19) in the real window: candidates side by side with a word diff, `2` picks the
// best, `A` only says to pick, `E` then a digit edits a candidate into a new chosen answer, `=`
// marks a tie, the mouse picks with a candidate's Best button, and a decided comparison shows its
// pick; the picks are stored with their decisions, shown by `vetted show --json` and exported as
// DPO pairs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliBinary, count, replaceText, screenshot, seededDb, selectedId, sql, startApp, toastText, waitForCount } from '../harness.mjs';

const EVIDENCE = [{ id: 'q3', title: 'Q3 report', text: 'Revenue in Q3 was $12M, up from $10M in Q2.', source: 'reports/q3.pdf' }];
const FIRST = 'Revenue in Q3 was $12M [q3].';
const SECOND = 'Revenue in Q3 was $12M, up from $10M [q3]. Ask finance@example.com for details.';
const THREE = ['Q3 revenue was $12M.', 'Q3 revenue was $10M.', 'Revenue grew in Q3.'];
const NEW_ANSWER = 'Q3 revenue was $12M, up from $10M in Q2 [q3].';

function itemsFile() {
  const dir = mkdtempSync(join(tmpdir(), 'vetted-comparisons-'));
  const file = join(dir, 'items.jsonl');
  const item = (id, answers) => ({
    kind: 'comparison', id, domain: 'finance', question: 'What was Q3 revenue?',
    candidates: answers.map((answer, i) => ({ model: ['llama-3.1-8b', 'qwen2.5-7b', 'mistral-7b'][i], answer })),
    evidence: EVIDENCE,
  });
  const items = [item('cmp-1', [FIRST, SECOND]), item('cmp-2', THREE), item('cmp-3', [FIRST, THREE[0]]), item('cmp-4', THREE.slice(0, 2))];
  writeFileSync(file, items.map((i) => JSON.stringify(i)).join('\n') + '\n');
  return file;
}

/** Each candidate column's number and its marked words, as the diff shows them. */
const columns = (browser) =>
  browser.execute(() =>
    [...document.querySelectorAll('[data-testid="candidate"]')].map((c) => ({
      n: c.dataset.candidate,
      removed: [...c.querySelectorAll('[data-mark="removed"]')].map((m) => m.textContent.trim()).filter((t) => t !== ''),
      added: [...c.querySelectorAll('[data-mark="added"]')].map((m) => m.textContent.trim()).filter((t) => t !== ''),
      privacy: [...c.querySelectorAll('[data-testid="privacy-mark"]')].map((m) => m.dataset.kind),
    })));

test('comparisons are picked, edited and tied by keys, and the picks are stored and exported', async () => {
  const db = seededDb(itemsFile());
  const { browser, stop } = await startApp(db);
  try {
    assert.equal(await selectedId(browser), 'cmp-1');
    await browser.$('[data-testid="comparison"]').waitForDisplayed({ timeoutMsg: 'a comparison shows its candidates' });
    const shown = await columns(browser);
    assert.deepEqual(shown.map((c) => c.n), ['1', '2'], 'two candidates side by side');
    assert.ok(shown[1].added.join(' ').includes('up from $10M'), `candidate 2's extra words are marked: ${JSON.stringify(shown[1])}`);
    assert.ok(shown[0].removed.length > 0, `candidate 1's words missing from 2 are struck: ${JSON.stringify(shown[0])}`);
    assert.deepEqual(shown[1].privacy, ['email'], 'the e-mail address in candidate 2 is marked');
    assert.equal(await browser.$('[data-testid="evidence"][data-passage-id="q3"]').isDisplayed(), true, 'the evidence is beside the candidates');
    await screenshot(browser, 'comparison-two.png');

    // A only says to pick; 2 picks the second candidate.
    await browser.keys('a');
    await toastText(browser, 'Pick the best candidate with 1–2');
    assert.equal(await count(browser, 'approved'), 0, 'the plain approve key records nothing on a comparison');
    await browser.keys('2');
    await waitForCount(browser, 'approved', 1);

    // Three candidates: E asks which, 3 opens the editor on candidate 3, Ctrl+Enter records the edit.
    await browser.waitUntil(async () => (await selectedId(browser)) === 'cmp-2', { timeoutMsg: 'the queue advances' });
    assert.deepEqual((await columns(browser)).map((c) => c.n), ['1', '2', '3']);
    assert.ok((await browser.$('[data-testid="comparison-rule"]').getText()).includes('Differences from candidate 1'));
    await screenshot(browser, 'comparison-three.png');
    await browser.keys('e');
    const prompt = browser.$('[data-testid="candidate-prompt"]');
    await prompt.waitForDisplayed({ timeoutMsg: 'E asks which candidate to edit' });
    assert.ok((await prompt.getText()).includes('Edit which candidate? 1–3'), await prompt.getText());
    await browser.keys('3');
    await prompt.waitForDisplayed({ reverse: true, timeoutMsg: 'a digit chooses' });
    const editor = browser.$('[data-testid="answer-editor"]');
    await editor.waitForDisplayed({ timeoutMsg: 'the editor opens on the candidate' });
    assert.equal(await editor.getValue(), THREE[2], 'the draft starts as candidate 3');
    await replaceText(browser, editor, NEW_ANSWER);
    await browser.keys(['Control', 'Enter']);
    await waitForCount(browser, 'edited', 1);

    // = marks a tie.
    await browser.waitUntil(async () => (await selectedId(browser)) === 'cmp-3', { timeoutMsg: 'on to cmp-3' });
    await browser.keys('=');
    await waitForCount(browser, 'approved', 2);

    // The mouse: candidate 1's Best button picks it, through the same path as the key.
    await browser.waitUntil(async () => (await selectedId(browser)) === 'cmp-4', { timeoutMsg: 'on to cmp-4' });
    await browser.$('[data-testid="pick-candidate"][data-candidate="1"]').click();
    await waitForCount(browser, 'approved', 3);

    // A decided comparison shows its pick: candidate 2 of cmp-1, and cmp-3's tie.
    await browser.$('[data-testid="count-approved"]').click();
    await browser.waitUntil(async () => (await selectedId(browser)) === 'cmp-1', { timeoutMsg: 'the approved tab opens on cmp-1' });
    const picked = browser.$('[data-testid="candidate"][data-picked="true"]');
    await picked.waitForDisplayed({ timeoutMsg: 'the picked candidate is marked' });
    assert.equal(await picked.getAttribute('data-candidate'), '2', 'cmp-1 was decided with 2');
    assert.ok((await browser.$('[data-testid="history-pick"]').getText()).includes('picked candidate 2'), 'the history names the pick');
    await screenshot(browser, 'comparison-picked.png');
    await browser.keys('j');
    await browser.waitUntil(async () => (await selectedId(browser)) === 'cmp-3', { timeoutMsg: 'j moves to cmp-3' });
    await browser.$('[data-testid="comparison-tie"]').waitForDisplayed({ timeoutMsg: 'the tie is shown' });
    assert.equal(await browser.$('[data-testid="candidate"][data-picked="true"]').isExisting(), false, 'no candidate is marked for a tie');
  } finally {
    await stop();
  }

  const picks = sql(db, `SELECT i.external_id, d.action, p.best FROM decisions d JOIN items i ON i.id = d.item_id
    LEFT JOIN comparison_picks p ON p.decision_id = d.id ORDER BY d.seq`);
  assert.deepEqual(picks.map((r) => [r.external_id, r.action, r.best]), [
    ['cmp-1', 'approve', 1], ['cmp-2', 'edit', null], ['cmp-3', 'approve', null], ['cmp-4', 'approve', 0],
  ], 'the pick (from 0) is stored with the approve; the tie as NULL');
  assert.equal(sql(db, `SELECT count(*) AS n FROM comparison_picks`)[0].n, 3, 'one pick per approve, the edit has none');
  const edit = JSON.parse(sql(db, `SELECT edited_payload FROM decisions WHERE action = 'edit'`)[0].edited_payload);
  assert.deepEqual(edit, { kind: 'comparison', answer: NEW_ANSWER, based_on: 2 }, 'the edit names the candidate it started from');

  const shown = JSON.parse(execFileSync(cliBinary, ['--db', db, 'show', 'cmp-1', '--json']).toString());
  assert.deepEqual(shown.decisions.map((d) => d.pick), [{ best: 1 }], 'vetted show has the pick with its decision');

  const out = join(mkdtempSync(join(tmpdir(), 'vetted-comparisons-export-')), 'dpo.jsonl');
  execFileSync(cliBinary, ['--db', db, 'export', '--format', 'trl-dpo', '--out', out]);
  const pairs = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((l) => [l.chosen[0].content, l.rejected[0].content]);
  assert.deepEqual(pairs, [[SECOND.replace('finance@example.com', '[EMAIL]'), FIRST], ...THREE.map((c) => [NEW_ANSWER, c]), [THREE[0], THREE[1]]],
    'the pick beats the other candidate (the address redacted by the export), the edit beats all three, the click picked candidate 1; the tie is left out');
});
