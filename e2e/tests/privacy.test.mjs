// Personal data and secrets while reviewing (#19): the privacy screen's findings are marked in the
// real window, `x` redacts the answer's into an edit with typed placeholders, the edit is stored,
// shown by `vetted show --json` and exported as the reviewer left it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliBinary, count, screenshot, seededDb, selectedId, sql, startApp, toastText, waitForCount } from '../harness.mjs';

const EMAIL = 'ana.lopez@example.com';
const KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz012345';
const PHONE = '+1 (415) 555-0134';

function itemsFile() {
  const dir = mkdtempSync(join(tmpdir(), 'vetted-privacy-'));
  const file = join(dir, 'items.jsonl');
  const leaky = {
    kind: 'answer', id: 'leak-1', domain: 'support', model: 'llama-3.1-8b',
    question: 'Who do I contact about invoice 7?',
    answer: `Mail **${EMAIL}**; the billing key is \`${KEY}\`.`,
    evidence: [{ id: 'crm-1', title: 'Contact', text: `Owner: ${EMAIL}, ${PHONE}`, source: 'crm' }],
  };
  const clean = { ...leaky, id: 'clean-1', question: 'Which invoice is open?', answer: 'Invoice 7 is open.',
    evidence: [{ id: 'crm-2', title: 'Invoices', text: 'Invoice 7: open.', source: 'crm' }] };
  const relationship = {
    kind: 'relationship', id: 'rel-1', domain: 'support', model: 'qwen2.5-coder-7b',
    source: { product: 'Invoice', fields: [{ name: 'CustomerId', type: 'INTEGER' }], sample_rows: [{ CustomerId: 2 }] },
    target: { product: 'Customer', fields: [{ name: 'CustomerId', type: 'INTEGER' }, { name: 'Email', type: 'TEXT' }],
      sample_rows: [{ CustomerId: 2, Email: EMAIL }] },
    relation: { type: 'foreign_key', cardinality: 'N:1', mapping: [{ source_field: 'CustomerId', target_field: 'CustomerId' }] },
    rationale: 'same name', confidence: 0.9,
  };
  writeFileSync(file, [leaky, clean, relationship].map((i) => JSON.stringify(i)).join('\n') + '\n');
  return file;
}

test('findings are marked; x redacts them into an edit that is stored and exported', async () => {
  const db = seededDb(itemsFile());
  const { browser, stop } = await startApp(db);
  try {
    assert.equal(await selectedId(browser), 'leak-1');
    const banner = browser.$('[data-testid="privacy-findings"]');
    await banner.waitForDisplayed({ timeoutMsg: 'an item with personal data says so above the answer' });
    const marks = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="privacy-mark"]')].map((m) => [m.dataset.kind, m.textContent]));
    assert.deepEqual(marks, [['email', EMAIL], ['api_key', KEY], ['email', EMAIL], ['phone', PHONE]],
      'the answer (bold and code included) and the evidence mark each finding with its kind');
    await screenshot(browser, 'privacy-marked.png');

    await browser.keys('x');
    const editor = browser.$('[data-testid="answer-editor"]');
    await editor.waitForDisplayed({ timeoutMsg: 'x opens the editor with the redacted answer' });
    assert.equal(await editor.getValue(), 'Mail **[EMAIL]**; the billing key is `[API_KEY]`.',
      'both findings of the answer became their typed placeholders; the rest is untouched');
    const liveDiff = await browser.$('[data-testid="live-diff"]').getText();
    assert.ok(liveDiff.includes('[EMAIL]') && liveDiff.includes('[API_KEY]'), 'the live diff shows the redaction');
    assert.equal(await browser.$('[data-testid="draft-findings"]').isExisting(), false,
      'nothing found is left in the draft');
    await screenshot(browser, 'privacy-redacted-draft.png');
    await browser.keys(['Control', 'Enter']);
    await waitForCount(browser, 'edited', 1);

    await browser.waitUntil(async () => (await selectedId(browser)) === 'clean-1', { timeoutMsg: 'the queue advances' });
    assert.equal(await browser.$('[data-testid="privacy-findings"]').isExisting(), false, 'a clean item has no banner');
    await browser.keys('x');
    await toastText(browser, 'Nothing to redact');
    assert.equal(await browser.$('[data-testid="answer-editor"]').isExisting(), false, 'nothing to redact opens no editor');
    assert.equal(await count(browser, 'pending'), 2, 'x decides nothing by itself');

    // A relationship's sample rows are screened too: the cell is marked, there is nothing to redact.
    await browser.keys('j');
    await browser.waitUntil(async () => (await selectedId(browser)) === 'rel-1', { timeoutMsg: 'on to the relationship' });
    await browser.$('[data-testid="privacy-findings"]').waitForDisplayed({ timeoutMsg: 'the sample rows note' });
    const cells = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="product-target"] [data-testid="privacy-mark"]')].map((m) => [m.dataset.kind, m.textContent]));
    assert.deepEqual(cells, [['email', EMAIL]], "the target's e-mail cell is marked");
    await browser.keys('x');
    await toastText(browser, 'Only an answer can be redacted');
    assert.equal(await browser.$('.relation-editor').isExisting(), false, 'x opens no editor on a relationship');
    await screenshot(browser, 'privacy-sample-rows.png');
  } finally {
    await stop();
  }

  const rows = sql(db, `SELECT i.external_id, d.action, d.edited_payload FROM decisions d JOIN items i ON i.id = d.item_id`);
  assert.deepEqual(rows.map((r) => [r.external_id, r.action]), [['leak-1', 'edit']], 'one decision: the redaction, as an edit');

  const shown = JSON.parse(execFileSync(cliBinary, ['--db', db, 'show', 'leak-1', '--json']).toString());
  assert.equal(shown.item.latest_edit.answer, 'Mail **[EMAIL]**; the billing key is `[API_KEY]`.', 'vetted show has the redacted edit');
  assert.deepEqual(shown.item.sensitive.filter((s) => s.place === 'edit'), [], 'nothing sensitive is left in the edit');

  // With the export's own screen off, what reaches the training file is the reviewer's redaction.
  const out = join(mkdtempSync(join(tmpdir(), 'vetted-privacy-export-')), 'sft.jsonl');
  execFileSync(cliBinary, ['--db', db, 'export', '--format', 'openai-sft', '--pii', 'off', '--out', out]);
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 1, 'the one reviewed item is exported');
  const assistant = lines[0].messages.find((m) => m.role === 'assistant');
  assert.equal(assistant.content, 'Mail **[EMAIL]**; the billing key is `[API_KEY]`.', 'the export carries the redacted answer');
  assert.ok(!readFileSync(out, 'utf8').includes(KEY), 'the key never reaches the training file');
});
