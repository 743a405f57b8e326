// Claim-level verdicts (#19) in the real window: `c` checks the answer claim by claim, a verdict
// from the keyboard, an evidence span linked from a mouse selection, a merge, and the confirmation
// before approving doubtful claims; the verdicts are stored with the decision, shown by
// `vetted show --json` and exported as NLI rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliBinary, count, screenshot, seededDb, selectedId, sql, startApp, toastText, waitForCount } from '../harness.mjs';

const ANSWER = 'Zürich lies on Lake Zürich. It has 2 million inhabitants. It is the capital.';
const POPULATION = 'The city has 420,000 inhabitants.';

function itemsFile() {
  const dir = mkdtempSync(join(tmpdir(), 'vetted-claims-'));
  const file = join(dir, 'items.jsonl');
  const item = (id) => ({
    kind: 'answer', id, domain: 'geo', model: 'llama-3.1-8b',
    question: 'Tell me about Zürich.',
    answer: ANSWER,
    evidence: [
      { id: 'wiki', title: 'Zürich', text: `Zürich lies on Lake Zürich. ${POPULATION}`, source: 'wikipedia' },
      { id: 'gov', title: 'Capital', text: 'Bern is the federal city of Switzerland.', source: 'admin.ch' },
    ],
  });
  writeFileSync(file, [item('z-1'), item('z-2'), item('z-3')].map((i) => JSON.stringify(i)).join('\n') + '\n');
  return file;
}

/** Selects `text` inside the element `selector` finds, as a mouse drag would. */
async function selectIn(browser, selector, text) {
  const found = await browser.execute((where, wanted) => {
    const element = document.querySelector(where);
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const at = node.textContent.indexOf(wanted);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + wanted.length);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      return true;
    }
    return false;
  }, selector, text);
  assert.ok(found, `"${text}" is shown in ${selector}`);
}

const claimsShown = (browser) =>
  browser.execute(() => [...document.querySelectorAll('[data-testid="claim"]')].map((c) => [c.querySelector('.claim-text').textContent, c.dataset.verdict]));

test('claims get verdicts and links by keys and mouse, doubtful approvals ask, and the verdicts are stored and exported', async () => {
  const db = seededDb(itemsFile());
  const { browser, stop } = await startApp(db);
  try {
    assert.equal(await selectedId(browser), 'z-1');
    const panel = browser.$('[data-testid="claims"]');
    await panel.waitForDisplayed({ timeoutMsg: 'an answer with evidence shows its claims' });
    assert.deepEqual(await claimsShown(browser), [
      ['Zürich lies on Lake Zürich.', ''], ['It has 2 million inhabitants.', ''], ['It is the capital.', ''],
    ], 'the core splits the answer into its three sentences');

    await browser.keys('c');
    await browser.$('[data-testid="claims-legend"]').waitForDisplayed({ timeoutMsg: 'c starts checking and shows the keys' });
    // 1: supported, with the hint sentence linked; the focus moves on.
    await browser.keys('1');
    const firstLinks = await browser.$('[data-testid="claim"][data-claim-index="0"] [data-testid="claim-links"]').getText();
    assert.ok(firstLinks.includes('wiki') && firstLinks.includes('Zürich lies on Lake Zürich.'), `the hint is linked: ${firstLinks}`);
    // The second claim: the population sentence selected with the mouse, linked with l, 3: contradicted.
    await selectIn(browser, '[data-testid="evidence"][data-passage-id="wiki"] .evidence-text', POPULATION);
    await browser.keys('l');
    await browser.$('[data-testid="claim-linked"]').waitForDisplayed({ timeoutMsg: 'the linked span is quoted in its passage' });
    assert.equal(await browser.$('[data-testid="claim-linked"]').getText(), POPULATION);
    await browser.keys('3');
    await browser.keys('2');
    assert.deepEqual((await claimsShown(browser)).map(([, verdict]) => verdict), ['supported', 'contradicted', 'unsupported']);
    await screenshot(browser, 'claims-checked.png');

    // Approving with doubtful claims asks first (the domain's default); Esc goes back, Enter approves.
    await browser.keys('a');
    const confirm = browser.$('[data-testid="confirm-approve-dialog"]');
    await confirm.waitForDisplayed({ timeoutMsg: 'approving with doubtful claims asks' });
    assert.ok((await confirm.getText()).includes('2 claims are marked unsupported or contradicted'), await confirm.getText());
    await screenshot(browser, 'claims-confirm-approve.png');
    await browser.keys('Escape');
    await confirm.waitForDisplayed({ reverse: true, timeoutMsg: 'Esc goes back' });
    assert.equal(await count(browser, 'approved'), 0, 'going back approves nothing');
    await browser.keys('a');
    await confirm.waitForDisplayed({ timeoutMsg: 'asked again' });
    await browser.keys('Enter');
    await waitForCount(browser, 'approved', 1);

    // The next item: claims merged with m, the merged claim not checkable; no doubt, no question.
    await browser.waitUntil(async () => (await selectedId(browser)) === 'z-2', { timeoutMsg: 'the queue advances' });
    await browser.keys('c');
    await browser.keys('m');
    assert.equal((await claimsShown(browser))[0][0], 'Zürich lies on Lake Zürich. It has 2 million inhabitants.', 'm merges with the next claim');
    // b splits where the selection starts; m merges again.
    await selectIn(browser, '[data-claim-index="0"] .claim-text', 'It has 2');
    await browser.keys('b');
    assert.deepEqual((await claimsShown(browser)).map(([text]) => text),
      ['Zürich lies on Lake Zürich.', 'It has 2 million inhabitants.', 'It is the capital.'], 'b splits at the selected words');
    await browser.keys('m');
    await browser.keys('k');
    await browser.keys('4');
    await browser.keys('j');
    await browser.keys('m');
    await toastText(browser, 'no next claim to merge');
    await browser.keys('Escape');
    await browser.$('[data-testid="claims-legend"]').waitForDisplayed({ reverse: true, timeoutMsg: 'Esc is done checking' });
    await browser.keys('a');
    await waitForCount(browser, 'approved', 2);

    // The domain's switch: unticked, an approval with a doubtful claim does not ask.
    await browser.waitUntil(async () => (await selectedId(browser)) === 'z-3', { timeoutMsg: 'on to z-3' });
    const ask = browser.$('[data-testid="claims-confirm"]');
    assert.equal(await ask.isSelected(), true, 'a domain asks by default');
    await ask.click();
    await browser.waitUntil(async () => !(await ask.isSelected()), { timeoutMsg: 'the switch is off' });
    await browser.keys(['c', '2']);
    await browser.keys('a');
    await waitForCount(browser, 'approved', 3);
    assert.equal(await browser.$('[data-testid="confirm-approve-dialog"]').isExisting(), false, 'nothing asked');

    // The dashboard charts the verdicts of the decisions in force.
    await browser.keys(['Control', 'Shift', 'd']);
    const card = browser.$('[data-testid="chart-claims"]');
    await card.waitForDisplayed({ timeoutMsg: 'the dashboard has a claims card' });
    const note = await card.getText();
    assert.ok(note.includes('5 claims checked on 3 answers') && note.includes('3 unsupported or contradicted'), note);
    await card.scrollIntoView();
    await screenshot(browser, 'claims-dashboard.png');
  } finally {
    await stop();
  }

  const rows = sql(db, `SELECT i.external_id, c.position, c.claim, c.verdict, c.spans FROM claim_checks c
    JOIN decisions d ON d.id = c.decision_id JOIN items i ON i.id = d.item_id ORDER BY i.external_id, c.position`);
  assert.deepEqual(rows.map((r) => [r.external_id, r.verdict]), [
    ['z-1', 'supported'], ['z-1', 'contradicted'], ['z-1', 'unsupported'], ['z-2', 'not-checkable'], ['z-3', 'unsupported'],
  ], 'the verdicts were written with the decisions');
  assert.deepEqual(sql(db, `SELECT domain, confirm_approve, changed_by FROM claim_settings`),
    [{ domain: 'geo', confirm_approve: 0, changed_by: 'e2e-reviewer' }], 'the switch is stored for the domain, by the reviewer');
  assert.deepEqual(JSON.parse(rows[1].spans), [{ passage: 'wiki', start: 28, end: 61, text: POPULATION }],
    'the selected span, counted in characters');
  assert.equal(rows[3].claim, 'Zürich lies on Lake Zürich. It has 2 million inhabitants.', 'the merged claim is stored whole');

  const shown = JSON.parse(execFileSync(cliBinary, ['--db', db, 'show', 'z-1', '--json']).toString());
  assert.deepEqual(shown.claim_checks[0].claims.map((c) => c.verdict), ['supported', 'contradicted', 'unsupported'], 'vetted show has them');

  const out = join(mkdtempSync(join(tmpdir(), 'vetted-claims-export-')), 'nli.jsonl');
  execFileSync(cliBinary, ['--db', db, 'export', '--format', 'claims-nli', '--out', out]);
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines[1], { premise: POPULATION, hypothesis: 'It has 2 million inhabitants.', label: 'contradiction' },
    'the contradicted claim and its linked span are an NLI row');
  assert.equal(lines.length, 4, "z-1's three claims and z-3's one; the not-checkable claim is not a row");
});
