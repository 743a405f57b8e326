// A team server in the real window, against the real PostgreSQL of scripts/with-postgres.sh:
// Connect to team server… signs in over TLS (verify-full, the throwaway CA chosen in the
// dialog) with a password that goes to the OS keyring; the header and title name the login and
// server; the queue is the items the server leases to this login; a decision lands on the
// server under the login; another reviewer's decision (the CLI, a second client) changes the
// counts within seconds, announced by the server; a skip gives the item back; the next start
// signs in with the kept password, the search box searches the server, G writes a guideline
// there, tags and the do-not-train mark land there, an export and a backup from the window
// read the server, a review form put in force there is asked and answered in the window, and
// the server's data products draw the graph and give a candidate its computed evidence (a
// registration reaches the evidence on screen live), B in the graph approves by rule on the
// server, which one Ctrl+Z takes back, the SME runs and aligns the vetting model on the server
// (the dashboard reads the alignment there and names her), and the server's owner, signed in
// from the same window, has the model propose relationships there, discovers candidates there
// for the reviewers per candidate asked in the dialog, and adds and removes reviewers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerItemsFile, chinook, cliBinary, count, freshHome, replaceText, root, screenshot, selectedId, sql, startApp, toastText, waitForCount } from '../harness.mjs';

const base = process.env.VETTED_TEST_POSTGRES_URL;
// The real local llama.cpp server of scripts/test-llm.sh, when the run has one.
const llm = process.env.VETTED_TEST_LLM_URL;
const ca = process.env.VETTED_TEST_POSTGRES_CA;
if (base === undefined && process.env.VETTED_REQUIRE_POSTGRES === '1') {
  throw new Error('VETTED_REQUIRE_POSTGRES is set but VETTED_TEST_POSTGRES_URL is not');
}

/** Runs SQL on the throwaway server as its superuser (`url`: which database). */
function psql(url, sql) {
  const bin = readdirSync('/usr/lib/postgresql').sort().map((v) => `/usr/lib/postgresql/${v}/bin/psql`).at(-1);
  return execFileSync(bin, ['-qAt', '-v', 'ON_ERROR_STOP=1', url, '-c', sql], { stdio: 'pipe' }).toString().trim();
}

/** The names of the X windows (the native title bar text), to check the window title. */
const windowNames = () => execFileSync('xwininfo', ['-root', '-tree'], { encoding: 'utf8' });

/** The external ids of the rows with test id `testId` on screen (queue rows, search results). */
const shownIds = (browser, testId) =>
  browser.execute((id) => [...document.querySelectorAll(`[data-testid="${id}"]`)].map((row) => row.getAttribute('data-external-id')), testId);

/** File ▸ Team reviewers…'s rows: `login role(s)` each. */
const teamRows = (browser) =>
  browser.execute(() => [...document.querySelectorAll('[data-testid="team-reviewer"]')].map((row) => [...row.cells].slice(0, 2).map((c) => c.textContent).join(' ')));

/** Opens File ▸ Team reviewers… and waits for the server's list. */
async function openTeamReviewers(browser) {
  await browser.$('[data-testid="header-file"]').click();
  await browser.$('[data-testid="header-team-reviewers"]').click();
  await browser.$('[data-testid="team-reviewers-list"]').waitForDisplayed({ timeout: 10000, timeoutMsg: 'File ▸ Team reviewers… lists who reviews on the server' });
}

/** A one-question rubric: a required rating. */
const FORM = `[[question]]
id = "correctness"
label = "How correct is the answer?"
type = "rating"
scale = 5
required = true
`;

const cli = (db, args, input) => execFileSync(cliBinary, ['--db', db, ...args], { stdio: 'pipe', input }).toString();

test('a reviewer signs in to the team server, decides, and sees a colleague’s decision arrive', { skip: base === undefined && 'no PostgreSQL (run under scripts/with-postgres.sh)' }, async () => {
  const port = new URL(base).port;
  const name = `e2e_team_${process.pid}`;
  // A retried suite runs on the same server: the first attempt's databases go first, so maria
  // reviews no other database when she is added with a password.
  for (const old of psql(base, "SELECT datname FROM pg_database WHERE datname LIKE 'e2e\\_team\\_%'").split('\n').filter(Boolean)) {
    psql(base, `DROP DATABASE ${old} WITH (FORCE)`);
  }
  psql(base, `CREATE DATABASE ${name}`);
  const owner = `postgres://postgres@127.0.0.1:${port}/${name}`;
  cli(owner, ['team', 'init', owner]);
  cli(owner, ['team', 'add-reviewer', 'maria', '--role', 'sme', '--password-stdin'], 'maria-e2e-s3cret\n');
  cli(owner, ['team', 'add-reviewer', 'bob', '--role', 'analyst']);
  // Password logins must give theirs (see with-postgres.sh); bob is trusted.
  psql(base, 'GRANT vetted_password_login TO maria');
  cli(owner, ['import', answerItemsFile('ts', 30)]);
  // Another team's database on the same server: maria was not added to it.
  const other = `${name}_other`;
  psql(base, `CREATE DATABASE ${other}`);
  cli(owner, ['team', 'init', `postgres://postgres@127.0.0.1:${port}/${other}`]);

  const home = freshHome();
  const signIn = async (browser, { typed }) => {
    await browser.$('[data-testid="team-server-dialog"]').waitForDisplayed({ timeout: 15000, timeoutMsg: 'Connect to team server… opens' });
    if (typed) {
      await browser.$('[data-testid="team-server-host"]').setValue('localhost');
      await browser.$('[data-testid="team-server-port"]').click();
      await browser.keys(['Control', 'a']);
      await browser.$('[data-testid="team-server-port"]').addValue(port);
      await browser.$('[data-testid="team-server-database"]').click();
      await browser.keys(['Control', 'a']);
      await browser.$('[data-testid="team-server-database"]').addValue(name);
      await browser.$('[data-testid="team-server-user"]').setValue('maria');
      await browser.$('[data-testid="team-server-tls"]').selectByAttribute('value', 'verify-full');
      await browser.$('[data-testid="team-server-choose-ca"]').click();
      let shown = '';
      await browser.waitUntil(async () => (shown = await browser.$('[data-testid="team-server-ca"]').getAttribute('title')) === ca, {
        timeout: 10000, timeoutMsg: `the chosen CA file is shown (shown: ${shown})`,
      }).catch(async (e) => {
        await screenshot(browser, 'team-server-ca-failed.png');
        throw e;
      });
      // Another team's database first: her password is right, but she is not its reviewer.
      await browser.$('[data-testid="team-server-database"]').click();
      await browser.keys(['Control', 'a']);
      await browser.$('[data-testid="team-server-database"]').addValue(other);
      await browser.$('[data-testid="team-server-password"]').setValue('maria-e2e-s3cret');
      await browser.$('[data-testid="team-server-connect"]').click();
      const notHers = await browser.$('[data-testid="team-server-error"]');
      await notHers.waitForDisplayed({ timeout: 20000, timeoutMsg: 'a database maria was not added to refuses her in the dialog' });
      const said = await notHers.getText();
      assert.match(said, new RegExp(`maria is not a reviewer of database ${other}`), `the dialog says why: ${said}`);
      assert.match(said, /ask its owner to add you: vetted team add-reviewer maria/, `and what to do: ${said}`);
      await screenshot(browser, 'team-server-not-a-reviewer.png');
      await browser.$('[data-testid="team-server-database"]').click();
      await browser.keys(['Control', 'a']);
      await browser.$('[data-testid="team-server-database"]').addValue(name);
      // A wrong password next: refused by the server, said in the dialog, and never kept.
      await browser.$('[data-testid="team-server-password"]').click();
      await browser.keys(['Control', 'a']);
      await browser.$('[data-testid="team-server-password"]').addValue('wrong');
      await browser.$('[data-testid="team-server-connect"]').click();
      // Asked in the page: the error element may be made anew.
      await browser.waitUntil(async () => browser.execute(() => {
        const error = document.querySelector('[data-testid="team-server-error"]');
        return error !== null && !error.textContent.includes('not a reviewer');
      }), { timeout: 20000, timeoutMsg: 'the wrong password is refused next, in place of the first refusal' });
      const refused = await browser.$('[data-testid="team-server-error"]');
      await refused.waitForDisplayed({ timeout: 20000, timeoutMsg: 'a wrong password is refused in the dialog' });
      assert.match(await refused.getText(), /maria@localhost/, 'the refusal names the login and server');
      await browser.$('[data-testid="team-server-password"]').click();
      await browser.keys(['Control', 'a']);
      await browser.$('[data-testid="team-server-password"]').addValue('maria-e2e-s3cret');
    } else {
      assert.equal(await browser.$('[data-testid="team-server-host"]').getValue(), 'localhost', 'the server is offered again');
      assert.equal(await browser.$('[data-testid="team-server-user"]').getValue(), 'maria');
      assert.equal(await browser.$('[data-testid="team-server-password"]').getValue(), '', 'no password is typed: the keyring has it');
    }
    await browser.keys('Enter');
    // Asked in the page, not through an element handle, which goes stale if the dialog closes
    // while WebKitWebDriver makes it (seen once in a full run).
    await browser.waitUntil(async () => browser.execute(() => document.querySelector('[data-testid="team-server-dialog"]') === null), {
      timeout: 20000, timeoutMsg: 'signed in: the dialog closes',
    });
  };

  // First start: the welcome screen, typed in full.
  let app = await startApp(null, { ...home, VETTED_E2E_PICKS: ca, PGPASSWORD: '' });
  try {
    const { browser } = app;
    await browser.$('[data-testid="welcome-team-server"]').click();
    await signIn(browser, { typed: true });
    await browser.waitUntil(async () => (await browser.$('[data-testid="session-reviewer"]').getText()).includes('maria · SME'), {
      timeout: 15000, timeoutMsg: 'the header shows the login and its role from the server',
    });
    assert.match(await browser.$('.session-db').getText(), new RegExp(`maria@localhost:${port}/${name}`), 'the header names the server');
    await browser.waitUntil(async () => windowNames().includes(`"maria@localhost:${port}/${name} — Vetted"`), {
      timeout: 5000, timeoutMsg: 'the window title names the login and server',
    });
    assert.equal(await browser.$('[data-testid="session-team-server"]').isExisting(), true, 'marked as a team server');

    // Who reviews here, as maria (no owner) reads it: the server's list, with nothing to change.
    await openTeamReviewers(browser);
    assert.deepEqual(await teamRows(browser), ['bob analyst', 'maria SME'], 'the logins added to this database, with their roles');
    assert.equal(await browser.$('[data-testid="team-reviewer-login"]').isExisting(), false, 'maria gets no form to add reviewers');
    assert.equal(await browser.$('[data-testid="team-reviewer-remove"]').isExisting(), false, 'nor a button to remove one');
    assert.match(await browser.$('[data-testid="team-reviewers-dialog"]').getText(), /Only the database's owner adds or removes reviewers/, 'and is told who may');
    await browser.keys('Escape');
    await browser.$('[data-testid="team-reviewers-dialog"]').waitForDisplayed({ reverse: true, timeout: 5000, timeoutMsg: 'Esc closes the list' });

    // The queue is what the server leases to maria: the oldest items.
    await browser.waitUntil(async () => (await browser.$('[data-testid="item-view"]').isExisting()) && (await selectedId(browser)) === 'ts-0', {
      timeout: 15000, timeoutMsg: "maria's queue opens on ts-0",
    });
    const leased = psql(owner, "SELECT count(*) FROM vetted.leases WHERE reviewer = 'maria'");
    assert.equal(leased, '10', 'opening the queue leases a batch of 10 items to maria');
    await waitForCount(browser, 'pending', 30);

    await browser.keys('a');
    await waitForCount(browser, 'approved', 1);
    await browser.waitUntil(async () => (await selectedId(browser)) === 'ts-1', {
      timeout: 10000, timeoutMsg: 'the queue moves on to the next leased item',
    });
    assert.equal(
      psql(owner, "SELECT d.reviewer || ' ' || d.action FROM vetted.decisions d JOIN vetted.items i ON i.id = d.item_id WHERE i.external_id = 'ts-0'"),
      'maria approve',
      'the decision is on the server, under the login',
    );

    // A second client: bob claims from what maria does not hold and decides; the window follows.
    const held = JSON.parse(cli(`postgres://bob@127.0.0.1:${port}/${name}`, ['queue', '--limit', '1', '--json']));
    assert.equal(held.length, 1, 'bob gets an item');
    assert.ok(Number(held[0].external_id.slice(3)) >= 10, `bob's item ${held[0].external_id} is none of maria's`);
    cli(`postgres://bob@127.0.0.1:${port}/${name}`, ['decide', held[0].external_id, 'reject', '--reason', 'incomplete']);
    await browser.waitUntil(async () => (await count(browser, 'rejected')) === 1, {
      timeout: 5000, timeoutMsg: "bob's rejection shows in maria's counts within seconds, with no action of hers",
    });
    assert.equal(await count(browser, 'pending'), 28, 'both decided items left the pending count');
    await screenshot(browser, 'team-server.png');

    // A skip gives the item back: the lease ends on the server and the next item shows.
    await browser.keys('s');
    await browser.waitUntil(async () => (await selectedId(browser)) === 'ts-2', {
      timeout: 10000, timeoutMsg: 'the skip moves on to ts-2',
    });
    await browser.waitUntil(async () => psql(owner, "SELECT count(*) FROM vetted.leases l JOIN vetted.items i ON i.id = l.item_id WHERE i.external_id = 'ts-1' AND l.expires_at > now()") === '0', {
      timeout: 5000, timeoutMsg: 'the skipped item is no longer leased to maria',
    });
    const listed = await shownIds(browser, 'queue-entry');
    assert.ok(!listed.includes('ts-1'), `the skipped item left the list: ${listed}`);

    // Deciding down the batch claims more when few are left: the queue never runs dry early.
    for (let i = 2; i <= 7; i += 1) {
      await browser.waitUntil(async () => (await selectedId(browser)) === `ts-${i}`, { timeout: 10000, timeoutMsg: `ts-${i} is shown` });
      await browser.keys('a');
      await waitForCount(browser, 'approved', i);
    }
    await browser.waitUntil(
      async () => (await shownIds(browser, 'queue-entry')).includes('ts-11'),
      { timeout: 10000, timeoutMsg: 'with 2 items left the app claims the next ones (ts-11 …)' },
    );
    // Topped up to 10 with 3 left (ts-7 to ts-9), then ts-7 decided.
    assert.equal(psql(owner, "SELECT count(*) FROM vetted.leases WHERE reviewer = 'maria' AND expires_at > now()"), '9', 'the batch was topped up on the server');
  } finally {
    await app.stop();
  }

  // Next start: the server is offered again and the keyring has the password.
  const files = mkdtempSync(join(tmpdir(), 'vetted-team-files-'));
  const exported = join(files, 'team-kto.jsonl');
  const snapshot = join(files, 'team-snapshot.db');
  app = await startApp(null, { ...home, PGPASSWORD: '', VETTED_E2E_PICKS: [exported, snapshot].join('|') });
  try {
    const { browser } = app;
    await browser.$('[data-testid="welcome-team-server"]').click();
    await signIn(browser, { typed: false });
    await browser.waitUntil(async () => (await browser.$('[data-testid="session-reviewer"]').getText()).includes('maria'), {
      timeout: 15000, timeoutMsg: 'signed in again with the password from the keyring',
    });
    await waitForCount(browser, 'approved', 7);

    // The search box searches the server.
    await browser.keys('/');
    await browser.$('[data-testid="search-input"]').setValue('ts 25');
    let found = [];
    await browser.waitUntil(async () => (found = await shownIds(browser, 'search-result')).includes('ts-25'), {
      timeout: 15000, timeoutMsg: `the server's search finds ts-25 (found: ${JSON.stringify(found)})`,
    });
    await browser.keys('Escape');

    // G writes a guideline on the server, stamped with the login.
    await browser.keys('g');
    await browser.waitUntil(async () => (await browser.execute(() => document.activeElement?.getAttribute('data-testid'))) === 'guideline-new', {
      timeout: 5000, timeoutMsg: 'G focuses the new-guideline field',
    });
    await browser.$('[data-testid="guideline-new"]').setValue('Cite the filing, not the press release.');
    await browser.keys(['Control', 'Enter']);
    await browser.waitUntil(async () => (await browser.$$('[data-testid="guideline"]')).length === 1, {
      timeout: 10000, timeoutMsg: 'the guideline shows once the server has it',
    });
    assert.equal(psql(owner, 'SELECT created_by || \' \' || body FROM vetted.guidelines'), 'maria Cite the filing, not the press release.',
      'the guideline is on the server, under the login');
    await screenshot(browser, 'team-server-guideline.png');
    await browser.keys('Escape'); // leaves the field: the keys are the queue's again

    // Tags and the do-not-train mark are the server's too.
    const shown = await selectedId(browser);
    const annotated = `FROM vetted.items i JOIN vetted.%s ON x.item_id = i.id WHERE i.external_id = '${shown}'`;
    await browser.$('[data-testid="tag-input"]').setValue('Needs Source');
    await browser.keys('Enter');
    await browser.waitUntil(async () => (await browser.$$('[data-testid="tag"]')).length === 1, {
      timeout: 10000, timeoutMsg: 'the tag shows once the server has it',
    });
    await browser.$('[data-testid="do-not-train"]').click();
    await browser.waitUntil(async () => psql(owner, `SELECT x.marked_by ${annotated.replace('%s', 'do_not_train x')}`) === 'maria', {
      timeout: 10000, timeoutMsg: 'the do-not-train mark is on the server, under the login',
    });
    assert.equal(psql(owner, `SELECT x.tag ${annotated.replace('%s', 'item_tags x')}`), 'needs source', 'the tag is on the server, normalized');
    await browser.execute(() => document.activeElement?.blur());

    // Export from the server (Ctrl+Shift+E): maria's seven approvals and bob's rejection.
    await browser.keys(['Control', 'Shift', 'E']);
    await browser.$('[data-testid="export-dialog"]').waitForDisplayed({ timeout: 10000 });
    await browser.$('[data-testid="export-format"]').selectByAttribute('value', 'trl-kto');
    await browser.keys(['Control', 'Enter']);
    await toastText(browser, 'lines written to');
    const lines = readFileSync(exported, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.label).sort(), [false, ...Array(7).fill(true)], 'seven approvals and one rejection as KTO lines');

    // Back up from the File menu: a local snapshot of the server, with every item and decision.
    await browser.$('[data-testid="header-file"]').click();
    await browser.$('[data-testid="header-backup"]').click();
    await toastText(browser, 'snapshot of');
    assert.equal(sql(snapshot, 'SELECT count(*) AS n FROM items')[0].n, 30, 'the snapshot holds every item');
    assert.equal(sql(snapshot, "SELECT count(*) AS n FROM decisions WHERE action = 'approve'")[0].n, 7, 'and every decision');
    assert.deepEqual(readdirSync(files).sort(), ['team-kto.jsonl', 'team-kto.manifest.json', 'team-kto.sidecar.jsonl', 'team-snapshot.db'],
      'no temporary snapshot is left next to the export');

    // The stats dashboard (Ctrl+Shift+D) shows the server's figures and follows the others' work.
    await browser.keys(['Control', 'Shift', 'D']);
    await browser.$('[data-testid="stats-dashboard"]').waitForDisplayed({ timeout: 15000, timeoutMsg: 'the stats dashboard opens on the server' });
    const tile = (key) => browser.$(`[data-testid="tile-${key}"] .stat-tile-value`).getText();
    await browser.waitUntil(async () => (await tile('decisions')) === '8', {
      timeout: 15000, timeoutMsg: "maria's seven approvals and bob's rejection are the server's 8 decisions",
    });
    assert.match(await browser.execute(() => document.querySelector('[data-testid="tile-decisions"]')?.textContent ?? ''), /by 2 reviewers/, 'maria and bob decided');
    const bob = `postgres://bob@127.0.0.1:${port}/${name}`;
    const next = JSON.parse(cli(bob, ['queue', '--limit', '1', '--json']));
    cli(bob, ['decide', next[0].external_id, 'approve']);
    await browser.waitUntil(async () => (await tile('decisions')) === '9', {
      timeout: 5000, timeoutMsg: "bob's next decision reaches the open dashboard within seconds, with no action of maria's",
    });
    await browser.waitUntil(async () => (await browser.$$('.stats-view canvas')).length >= 4, { timeout: 15000, timeoutMsg: 'charts are drawn' });
    await screenshot(browser, 'team-server-stats.png');
    await browser.keys('Escape');
    await browser.$('[data-testid="stats-dashboard"]').waitForDisplayed({ reverse: true, timeout: 15000, timeoutMsg: 'Esc returns to reviewing' });

    // Another reviewer's guideline reaches the open panel within seconds, with no action of maria's.
    cli(bob, ['guidelines', 'add', '--domain', 'film-tv', '--text', 'Quote the quarter as the filing does.']);
    await browser.waitUntil(async () => (await browser.$$('[data-testid="guideline"]')).length === 2, {
      timeout: 5000, timeoutMsg: "bob's guideline shows in maria's panel while she stays on the item",
    });

    // A review form put in force on the server reaches the open item within seconds; maria's
    // answer, given by key, is stored with her decision on the server.
    const formFile = join(files, 'film-tv.toml');
    writeFileSync(formFile, FORM);
    cli(owner, ['forms', 'set', 'film-tv', formFile]);
    await browser.$('[data-testid="review-form"]').waitForDisplayed({
      timeout: 5000, timeoutMsg: "the server's new form shows beside the open item, with no action of maria's",
    });
    const answering = await selectedId(browser);
    await browser.keys('a');
    await toastText(browser, 'Answer the review form first');
    await browser.keys('4');
    await browser.keys('a');
    const given = `SELECT d.reviewer || ' ' || a.question || '=' || a.value FROM vetted.form_answers a
      JOIN vetted.decisions d ON d.id = a.decision_id JOIN vetted.items i ON i.id = d.item_id WHERE i.external_id = '${answering}'`;
    await browser.waitUntil(async () => psql(owner, given) === 'maria correctness=4', {
      timeout: 10000, timeoutMsg: `maria's answer on ${answering} is on the server with her decision`,
    });
    await screenshot(browser, 'team-server-form.png');

    // Relationships: two of the demo's Chinook candidates are imported before any product is
    // registered. The graph is the server's, and an opened candidate's computed evidence comes
    // from its own samples until maria (an SME) registers Chinook on the server from the CLI
    // (bob, an analyst, may not): then it is computed from Chinook itself, live.
    const maria = `postgres://maria@127.0.0.1:${port}/${name}`;
    const asMaria = { stdio: 'pipe', env: { ...process.env, PGPASSWORD: 'maria-e2e-s3cret' } };
    const candidates = join(files, 'chinook-candidates.jsonl');
    writeFileSync(candidates, readFileSync(join(root, 'demo/demo-items.jsonl'), 'utf8').split('\n')
      .filter((line) => /"id":"rel-chinook-[12]"/.test(line)).join('\n') + '\n');
    cli(owner, ['import', candidates]);
    await browser.keys(['Control', 'Shift', 'g']);
    await browser.$('[data-testid="graph-svg"]').waitForDisplayed({ timeout: 20000, timeoutMsg: 'Ctrl+Shift+G opens the graph of the server' });
    await browser.waitUntil(async () => (await browser.$$('[data-testid="graph-svg"] path.graph-edge')).length === 2, {
      timeout: 10000, timeoutMsg: 'one edge per relationship item on the server',
    });
    // Another reviewer's decision redraws the open graph, announced by the server.
    cli(bob, ['decide', 'rel-chinook-1', 'approve']);
    await browser.waitUntil(async () => (await browser.$('[data-testid="graph-svg"] path.graph-edge[data-item="rel-chinook-1"]').getAttribute('data-status')) === 'approved', {
      timeout: 5000, timeoutMsg: "bob's approval redraws the edge in maria's open graph within seconds",
    });
    const focused = () => browser.$('[data-testid="graph-focus-edge"]').getAttribute('data-focus-item').catch(() => null);
    for (let step = 0; step < 5 && (await focused()) !== 'rel-chinook-2'; step++) {
      const before = await focused();
      await browser.keys('n');
      await browser.waitUntil(async () => (await focused()) !== before, { timeout: 3000 });
    }
    assert.equal(await focused(), 'rel-chinook-2', 'N reaches Track.AlbumId → Album');
    await browser.keys('Enter');
    await browser.waitUntil(async () => (await selectedId(browser)) === 'rel-chinook-2', { timeout: 15000, timeoutMsg: 'Enter opens the candidate' })
      .catch(async (e) => { await screenshot(browser, 'team-server-open-failed.png'); throw e; });
    const evidence = browser.$('[data-testid="computed-evidence"]');
    await evidence.waitForDisplayed({ timeout: 15000, timeoutMsg: 'the computed evidence shows beside the candidate' });
    assert.match(await evidence.getText(), /samples: \d+ rows/, 'no product registered yet: computed from the samples');
    assert.throws(() => cli(bob, ['products', 'add', chinook]), /SMEs and adjudicators do/, 'an analyst registers no product');
    execFileSync(cliBinary, ['--db', maria, 'products', 'add', chinook], asMaria);
    await browser.waitUntil(async () => /source: full table/.test(await evidence.getText()), {
      timeout: 5000, timeoutMsg: "maria's registration, announced by the server, recomputes the evidence on screen from Chinook itself",
    });
    const containment = browser.$('[data-testid="figure-containment"]');
    assert.match(await containment.getText(), /^Containment\s*100%/, 'every Track.AlbumId is an Album');
    await screenshot(browser, 'team-server-evidence.png');

    // Approve by rule on the server: B in the graph checks the rule offered against the
    // candidates waiting for maria (bob settled rel-chinook-1), as the CLI plans it; Enter
    // approves them as one step on the server, and one Ctrl+Z takes the step back.
    await browser.keys(['Control', 'Shift', 'g']);
    await browser.$('[data-testid="graph-svg"]').waitForDisplayed({ timeout: 20000, timeoutMsg: 'the graph opens again' });
    assert.equal(await browser.$$('[data-testid="graph-svg"] .graph-node:not(.graph-node-unregistered)').length, 11,
      'the 11 Chinook tables maria registered on the server');
    await browser.keys('b');
    await browser.$('[data-testid="rule-dialog"]').waitForDisplayed({ timeout: 5000, timeoutMsg: 'B opens approve by rule on the server' });
    const rule = await browser.$('[data-testid="rule-text"]').getValue();
    const preview = JSON.parse(execFileSync(cliBinary, ['--db', maria, 'approve-where', rule, '--dry-run', '--json'], asMaria).toString());
    assert.deepEqual(preview.approve.map((c) => c.item), ['rel-chinook-2'], `the server offers maria rel-chinook-2 only: ${JSON.stringify(preview)}`);
    await browser.keys('Enter');
    const summary = browser.$('[data-testid="rule-summary"]');
    await summary.waitForDisplayed({ timeout: 20000, timeoutMsg: 'Enter checks the rule on the server' });
    const total = 1 + preview.leave.length;
    assert.equal(await summary.getText(), `1 of ${total} candidate${total === 1 ? '' : 's'} meets the rule.`, 'the app plans as the CLI does');
    await screenshot(browser, 'team-server-rule-checked.png');
    await browser.keys('Enter');
    await browser.$('[data-testid="rule-dialog"]').waitForDisplayed({ reverse: true, timeout: 20000, timeoutMsg: 'Enter approves and closes' });
    const ruled = () => browser.$('[data-testid="graph-svg"] path.graph-edge[data-item="rel-chinook-2"]').getAttribute('data-status');
    await browser.waitUntil(async () => (await ruled()) === 'approved', { timeout: 10000, timeoutMsg: 'the approval by rule redraws the edge' });
    const byRule = `SELECT d.reviewer || ' ' || b.rule FROM vetted.decision_batches b JOIN vetted.decisions d ON d.id = b.decision_id
      JOIN vetted.items i ON i.id = d.item_id WHERE i.external_id = 'rel-chinook-2' AND d.action = 'approve'`;
    assert.equal(psql(owner, byRule), `maria ${preview.rule}`, "maria's approval is on the server, in a batch with its rule");
    await browser.keys(['Control', 'z']);
    await browser.waitUntil(async () => (await ruled()) === 'pending', { timeout: 10000, timeoutMsg: 'one Ctrl+Z takes the batch back on the server' });
    assert.equal(psql(owner, "SELECT count(DISTINCT batch_id) || ' ' || count(*) FROM vetted.decision_batches"), '2 2',
      'the approval and its undo, each one batch');

    // maria (an SME) runs the vetting model on the server from the window: the provider is the
    // real local llama.cpp server, named in her own settings file; the dialog offers vetting only,
    // and the run, its call and any verdict land on the server under her login.
    if (llm === undefined) console.error('\n*** SKIPPED: vetting on the team server — no VETTED_TEST_LLM_URL (run under scripts/test-llm.sh) ***\n');
    if (llm !== undefined) {
      await browser.keys(['Control', 'Shift', 'g']);
      await browser.$('[data-testid="graph-svg"]').waitForDisplayed({ reverse: true, timeout: 5000, timeoutMsg: 'the graph closes with the key that opened it' });
      mkdirSync(join(home.XDG_CONFIG_HOME, 'vetted'), { recursive: true });
      writeFileSync(join(home.XDG_CONFIG_HOME, 'vetted', 'vetted.toml'),
        `[providers.local]\nbase_url = "${llm}"\nmodel = "smollm2"\napi_key_env = "VETTED_E2E_UNSET_KEY"\n`);
      await browser.keys(['Control', 'Shift', 'V']);
      await browser.$('[data-testid="llm-run-dialog"]').waitForDisplayed({ timeout: 10000, timeoutMsg: 'Ctrl+Shift+V opens Run a model on the server' });
      const tasks = await browser.execute(() => [...document.querySelectorAll('[data-testid="llm-run-role"] option')].map((o) => o.value));
      assert.deepEqual(tasks, ['vet', 'align'], "on a team server the dialog offers the vetting model's tasks only");
      assert.equal(await browser.$('[data-testid="llm-run-reviews"]').isExisting(), false, 'a vet run adds no items, so it asks no reviewers per new item');
      await browser.waitUntil(async () => (await browser.$('[data-testid="llm-run-provider"]').getValue()) === 'local', {
        timeout: 10000, timeoutMsg: "maria's own provider is preselected",
      });
      await browser.$('[data-testid="llm-run-limit"]').click();
      await browser.keys(['Control', 'a']);
      await browser.$('[data-testid="llm-run-limit"]').addValue('1');
      await screenshot(browser, 'team-server-vet-dialog.png');
      await browser.keys(['Control', 'Enter']);
      const ran = await toastText(browser, 'vet run', 240000);
      // SmolLM2-135M sometimes runs out of tokens (a recorded failure): either way the server
      // holds exactly what the run says it did.
      const [, ok, failed] = ran.match(/vet run 1 with smollm2 .*1 inputs · (\d) ok · (\d) failed/) ?? assert.fail(`the summary names the server's run: ${ran}`);
      assert.equal(Number(ok) + Number(failed), 1, ran);
      assert.equal(psql(owner, "SELECT run_by || ' ' || (finished_at IS NOT NULL) || ' ' || (SELECT count(*) FROM vetted.llm_calls WHERE error_code IS NULL) FROM vetted.llm_runs"),
        `maria true ${ok}`, "one finished run of maria's on the server, with its successful call, if any");
      assert.equal(psql(owner, `SELECT count(*) || ' ' || coalesce(string_agg(i.vetting::json ->> 'model', ','), '-') FROM vetted.vetting_suggestions s
        JOIN vetted.items i ON i.id = s.item_id`), ok === '1' ? '1 smollm2' : '0 -', "the model's verdict, if it gave one, is on the server and shows on its item");
      await screenshot(browser, 'team-server-vetted.png');

      // She aligns the vetting model there too, against the team's own decisions, and the
      // dashboard reads the server's run.
      const domain = psql(owner, "SELECT domain FROM vetted.items WHERE kind = 'answer' AND status IN ('approved', 'edited', 'rejected') LIMIT 1");
      await browser.keys(['Control', 'Shift', 'V']);
      await browser.$('[data-testid="llm-run-dialog"]').waitForDisplayed({ timeout: 10000, timeoutMsg: 'Run a model opens again' });
      await browser.$('[data-testid="llm-run-role"]').selectByAttribute('value', 'align');
      await replaceText(browser, browser.$('[data-testid="llm-run-domain"]'), domain);
      await replaceText(browser, browser.$('[data-testid="llm-run-holdout"]'), '0.9');
      await replaceText(browser, browser.$('[data-testid="llm-run-limit"]'), '1');
      // The item alone against guidelines plus similar decided items.
      await browser.$('[data-testid="llm-run-variant-guidelines"]').click();
      await browser.$('[data-testid="llm-run-variant-examples"]').click();
      await browser.keys(['Control', 'Enter']);
      const aligned = await toastText(browser, 'alignment run', 240000);
      assert.match(aligned, new RegExp(`^alignment run 1 of ${domain} with smollm2 \\(1 held-out items per variant\\)`), aligned);
      assert.equal(psql(owner, "SELECT string_agg(a.run_by || ' ' || v.variant, ',' ORDER BY v.run_id) FROM vetted.alignment_runs a JOIN vetted.alignment_variants v ON v.alignment_id = a.id"),
        'maria base,maria both', "maria's alignment run and its two variants are on the server");
      await browser.keys(['Control', 'Shift', 'D']);
      const card = browser.$('[data-testid="alignment-runs"]');
      await card.waitForDisplayed({ timeout: 15000, timeoutMsg: "the dashboard shows the server's alignment run" });
      const rows = await browser.execute(() => [...document.querySelectorAll('[data-testid="alignment-variant"] td:first-child')].map((td) => td.textContent));
      assert.deepEqual(rows, ['Item only', '+ both'], 'one row per variant of the run on the server');
      const caption = await browser.execute(() => document.querySelector('[data-testid="alignment-latest"] caption')?.textContent ?? '');
      assert.match(caption, /^Run 1 by maria · /, `the dashboard names who ran it on the server: ${caption}`);
      await card.scrollIntoView();
      await screenshot(browser, 'team-server-alignment.png');

      // The server's owner signs in from the same window (a superuser: in every group, and the
      // one who adds items): Run a model offers the tasks that add items too, and a relationship
      // the model proposes between two of the server's products is the server's.
      await browser.keys('Escape');
      await browser.$('[data-testid="header-file"]').click();
      await browser.$('[data-testid="header-team-server"]').click();
      await browser.$('[data-testid="team-server-dialog"]').waitForDisplayed({ timeout: 10000, timeoutMsg: 'Connect to team server… opens from the File menu' });
      await replaceText(browser, browser.$('[data-testid="team-server-user"]'), 'postgres');
      await browser.keys('Enter');
      await browser.waitUntil(async () => (await browser.$('[data-testid="session-reviewer"]').getText()).includes('postgres'), {
        timeout: 20000, timeoutMsg: 'the owner is signed in',
      });
      await browser.keys(['Control', 'Shift', 'V']);
      await browser.$('[data-testid="llm-run-dialog"]').waitForDisplayed({ timeout: 10000, timeoutMsg: 'Run a model opens for the owner' });
      const ownerTasks = await browser.execute(() => [...document.querySelectorAll('[data-testid="llm-run-role"] option')].map((o) => o.value));
      assert.deepEqual(ownerTasks, ['vet', 'relate', 'rank', 'generate', 'align'], 'the owner is offered the tasks that add items as well');
      await browser.$('[data-testid="llm-run-role"]').selectByAttribute('value', 'relate');
      await browser.$('[data-testid="llm-run-source"]').selectByAttribute('value', 'Album');
      await browser.$('[data-testid="llm-run-target"]').selectByAttribute('value', 'Artist');
      const reviewsField = browser.$('[data-testid="llm-run-reviews"]');
      assert.equal(await reviewsField.getValue(), '1', 'each new item goes to one reviewer unless the owner says otherwise');
      await reviewsField.click();
      await browser.keys(['Control', 'a']);
      await reviewsField.addValue('2');
      await browser.keys(['Control', 'Enter']);
      const related = await toastText(browser, 'relate run', 240000);
      // Whether SmolLM2-135M proposes a relationship the products hold or not, the server holds
      // exactly what the run says.
      const [, relateRun, relatedOk, written] = related.match(/relate run (\d+) with smollm2 .*1 inputs · (\d) ok · \d failed · 0 not run · (\d+) items written/)
        ?? assert.fail(`the summary names the server's run: ${related}`);
      assert.equal(psql(owner, `SELECT run_by || ' ' || (finished_at IS NOT NULL) || ' ' || (SELECT count(*) FROM vetted.llm_calls c WHERE c.run_id = r.id AND c.error_code IS NULL) FROM vetted.llm_runs r WHERE id = ${relateRun}`),
        `postgres true ${relatedOk}`, "the owner's finished relate run is on the server, with its successful call, if any");
      assert.equal(psql(owner, `SELECT count(*) FROM vetted.items i JOIN vetted.llm_calls c ON c.id = (i.metadata::json -> 'generated_by' ->> 'llm_call')::bigint WHERE c.run_id = ${relateRun}`),
        written, "each proposed relationship is on the server, naming the server's call");
      assert.equal(psql(owner, `SELECT count(*) FROM vetted.items i JOIN vetted.llm_calls c ON c.id = (i.metadata::json -> 'generated_by' ->> 'llm_call')::bigint WHERE c.run_id = ${relateRun} AND i.required_reviews = 2`),
        written, 'and goes to the two reviewers asked for in the dialog');
      if (written === '0') console.error('\n*** the owner\'s relate run wrote no item: reviewers per new item were not checked on the server ***\n');
      await screenshot(browser, 'team-server-owner-related.png');

      // Discover relationships asks the owner how many reviewers each new candidate goes to
      // (maria registered Chinook on the server); every candidate it queues needs that many.
      await browser.keys(['Control', 'Shift', 'k']);
      await browser.$('[data-testid="discover-dialog"]').waitForDisplayed({ timeout: 5000, timeoutMsg: "Discover asks the server's owner for reviewers per new candidate" });
      const discoverReviews = browser.$('[data-testid="discover-reviews"]');
      assert.equal(await discoverReviews.getValue(), '1', 'one reviewer unless the owner says otherwise');
      assert.ok(await discoverReviews.isFocused(), 'the field has the focus: type the number, Enter discovers');
      await browser.keys(['Control', 'a']);
      await browser.keys('2');
      await screenshot(browser, 'team-server-discover.png');
      await browser.keys('Enter');
      const discovered = await toastText(browser, 'relationship candidate(s) among 11 data products', 60000);
      const [, queuedNew] = discovered.match(/: (\d+) queued, \d+ already in the queue/) ?? assert.fail(`the summary says what was queued: ${discovered}`);
      assert.ok(Number(queuedNew) >= 1, `Chinook's keys give candidates the server lacked: ${discovered}`);
      assert.equal(psql(owner, "SELECT count(*) || ' ' || count(*) FILTER (WHERE required_reviews = 2) FROM vetted.items WHERE model = 'discovery'"),
        `${queuedNew} ${queuedNew}`, 'each candidate discovery queued on the server goes to the two reviewers asked for');

      // The owner keeps the team from the window: File ▸ Team reviewers… adds a login with the
      // password typed, and takes the database from another; the server's catalog follows.
      await openTeamReviewers(browser);
      await browser.$('[data-testid="team-reviewer-login"]').setValue('lee');
      await browser.$('[data-testid="team-reviewer-role"]').selectByAttribute('value', 'adjudicator');
      await browser.$('[data-testid="team-reviewer-password"]').setValue('lee-e2e-s3cret');
      await browser.keys('Enter');
      await browser.waitUntil(async () => (await teamRows(browser)).includes('lee adjudicator'), {
        timeout: 15000, timeoutMsg: 'lee is listed as an adjudicator once the server added the login',
      });
      assert.match(cli(owner, ['team', 'reviewers']), /^lee\tadjudicator$/m, 'the server lists lee, an adjudicator');
      psql(base, 'GRANT vetted_password_login TO lee');
      const leeSignsIn = (password) => execFileSync(cliBinary, ['--db', `postgres://lee@127.0.0.1:${port}/${name}`, 'team', 'whoami'], {
        stdio: 'pipe', env: { ...process.env, PGPASSWORD: password },
      }).toString();
      assert.match(leeSignsIn('lee-e2e-s3cret'), /^lee on /, 'lee signs in with the password typed in the dialog');
      assert.throws(() => leeSignsIn('wrong'), /could not sign in.*password authentication failed for user "lee"/s, 'and with no other');

      await browser.$('[data-testid="team-reviewer"][data-login="bob"] [data-testid="team-reviewer-remove"]').click();
      await browser.$('[data-testid="team-reviewer-confirm"]').waitForDisplayed({ timeout: 5000, timeoutMsg: 'removing asks for a second click' });
      assert.ok((await teamRows(browser)).includes('bob analyst'), 'nothing is removed on the first click');
      await browser.$('[data-testid="team-reviewer"][data-login="bob"] [data-testid="team-reviewer-remove"]').click();
      const removed = await browser.$('[data-testid="team-reviewers-done"]');
      await removed.waitForDisplayed({ timeout: 15000, timeoutMsg: 'the dialog says what the removal did' });
      assert.match(await removed.getText(), /^bob may no longer sign in here; their decisions stay in the log\./, 'in a sentence');
      assert.ok(!(await teamRows(browser)).includes('bob analyst'), 'bob left the list');
      assert.doesNotMatch(cli(owner, ['team', 'reviewers']), /^bob\t/m, 'and the server\'s');
      assert.throws(() => cli(`postgres://bob@127.0.0.1:${port}/${name}`, ['team', 'whoami']), /bob is not a reviewer of database/, 'bob is refused from now on');
      assert.ok(Number(psql(owner, "SELECT count(*) FROM vetted.decisions WHERE reviewer = 'bob'")) >= 1, "bob's decisions stay");
      await screenshot(browser, 'team-server-reviewers.png');
    }
  } finally {
    await app.stop();
  }
});
