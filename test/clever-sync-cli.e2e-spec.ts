import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLEVER_DEMO_DISTRICT_ID, CLEVER_DEMO_FOLDER, CleverStandIn } from '@roster-ledger/testing';
import { STAND_IN_TOKEN, TOKEN_ENV } from './support/clever-sync-runtime';
// runCli: a child process, without blocking this one (the Clever stand-in answers from here)
import { runCli as cli, startCli } from './support/crash-process';

const D = CLEVER_DEMO_DISTRICT_ID;

describe('roster-ledger sync (end to end)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-sync-cli-'));
  const db = join(dir, 'ledger.db');
  const standIn = new CleverStandIn({ token: STAND_IN_TOKEN });
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    const baseUrl = await standIn.start();
    env = { LEDGER_DISTRICTS: JSON.stringify({ [D]: { tokenEnv: TOKEN_ENV, baseUrl } }), [TOKEN_ENV]: STAND_IN_TOKEN };
  });
  afterAll(async () => {
    await standIn.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a full sync of a configured district, sets its events cursor and updates the read models (exit 0)', async () => {
    const { status, stdout } = await cli(['sync', '--district', D, '--db', db, '--json'], env);
    expect(status).toBe(0);
    const body = JSON.parse(stdout);
    expect(body).toMatchObject({ status: 'completed', source: 'clever-api', mode: 'full', ran: 'full', fallback: null, cursor: { value: null }, counts: { StudentShared: 1004 } });
    // the sync's own record keeps the cursor it set, beside the district's cursor now
    expect(body.eventsCursor).toEqual({ value: null, at: body.cursor.at });
    expect(body.projectedEvents).toBeGreaterThan(10_000);
  });

  it('runs an events sync with --events, and says so in words without --json', async () => {
    const pushed = standIn.pushEvent({ type: 'users.deleted', data: { object: { id: 'not-in-the-ledger', district: D } } });
    const { status, stdout } = await cli(['sync', '--district', D, '--events', '--db', db], env);
    expect(status).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Sync [0-9a-f-]{36} \\(clever-events .*/v3\\.0 district ${D} events after the start of the feed\\) of district ${D}: COMPLETED`));
    expect(stdout).toContain('No roster changes');
    expect(stdout).toContain(`\n  Events cursor: moved by this sync to after event ${pushed.id}\n`);
    // and so does the sync's record, read later, where the report is long gone
    const syncId = /^Sync ([0-9a-f-]{36})/.exec(stdout)![1]!;
    const shown = await cli(['syncs', 'show', syncId, '--db', db], env);
    expect(shown.stdout).toContain(`\n  Events cursor: moved by this sync to after event ${pushed.id}\n`);
    const again = await cli(['sync', '--district', D, '--events', '--db', db, '--json'], env);
    // nothing new since: this one moved no cursor, and its report says where the cursor stands
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'completed', eventsCursor: null, cursor: { value: pushed.id } });
  });

  it("records a full sync that could not read Clever's newest event as one that set no events cursor, and says so wherever the sync is shown", async () => {
    const fresh = join(dir, 'cursor-not-set.db');
    standIn.fail({ path: /^\/v3\.0\/events/, status: 400, body: { message: 'events are not enabled for this application' } });
    const synced = await cli(['sync', '--district', D, '--db', fresh, '--json'], env);
    expect(synced.status).toBe(0);
    const why = `the newest Clever event could not be read, so this sync set no events cursor (an events sync goes on from the cursor an earlier sync set, if there is one, else runs in full): Clever refused GET ${standIn.baseUrl}/v3.0/events?ending_before=last&limit=1 (HTTP 400): events are not enabled for this application`;
    const body = JSON.parse(synced.stdout);
    expect(body).toMatchObject({ status: 'completed', cursorNotSet: why, cursorProblem: why, cursor: null });
    const shown = await cli(['syncs', 'show', body.syncId, '--db', fresh], env);
    expect(shown.stdout).toContain(`\n  Events cursor not set: ${why}\n`);
    const listed = await cli(['syncs', 'list', '--db', fresh, '--json'], env);
    expect(JSON.parse(listed.stdout).items[0].cursorNotSet).toBe(why);
  });

  it('says, in the record of a full sync run instead of an events sync, why, even when that sync fails', async () => {
    const fresh = join(dir, 'no-cursor-yet.db');
    standIn.fail({ path: /^\/v3\.0\/users/, status: 400, times: 2 });
    // nor can the first read the newest event: it sets no cursor, and still says why it ran
    standIn.fail({ path: /^\/v3\.0\/events/, status: 400 });
    const failed = await cli(['sync', '--district', D, '--events', '--db', fresh, '--json'], env);
    expect(failed.status).toBe(1);
    const why = 'it has no events cursor yet (no full sync through the Clever API has set one)';
    expect(JSON.parse(failed.stdout)).toMatchObject({ status: 'failed', source: 'clever-api', mode: 'events', fallback: why });
    const text = await cli(['sync', '--district', D, '--events', '--db', fresh], env);
    expect(text.stderr).toContain(`\n  A full sync, run because the events sync asked for could not go on: ${why}\n`);
    const shown = await cli(['syncs', 'list', '--db', fresh, '--json'], env);
    expect(JSON.parse(shown.stdout).items.map((s: { fallback: string }) => s.fallback)).toEqual([why, why]);
  });

  it('says on stderr, before it waits, that it waits on Clever, how long and why, without the token', async () => {
    // reset in 6 s: the command starts in about one, so it waits some 4 to 6 s
    standIn.fail({ path: /\/events/, status: 429, headers: { 'X-Ratelimit-Reset': String(Math.floor(Date.now() / 1000) + 6) } });
    const { status, stderr } = await cli(['sync', '--district', D, '--events', '--db', db], env);
    expect(status).toBe(0);
    expect(stderr).toMatch(new RegExp(`^Waiting [2-7] s: Clever answered 429 Too Many Requests to GET ${standIn.baseUrl.replace(/\./g, '\\.')}/v3\\.0/events`, 'm'));
    expect(stderr).not.toContain(STAND_IN_TOKEN);
  });

  it('refuses a sync while another sync of the district runs: exit 2, SYNC_ALREADY_RUNNING, nothing recorded', async () => {
    standIn.delay(4000, { path: /^\/v3\.0\/users/ });
    const from = standIn.requests.length;
    const first = cli(['sync', '--district', D, '--db', db, '--json'], env);
    for (let waited = 0; !standIn.requests.slice(from).some((r) => r.path.startsWith('/v3.0/users')); waited += 20) {
      if (waited > 20_000) throw new Error('the first sync never asked for /users');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const second = await cli(['sync', '--district', D, '--events', '--db', db, '--json'], env);
    expect(second.status).toBe(2);
    expect(JSON.parse(second.stdout).error).toMatchObject({ code: 'SYNC_ALREADY_RUNNING' });
    expect((await first).status).toBe(0);
    const syncs = JSON.parse((await cli(['syncs', 'list', '--db', db, '--json'], env)).stdout);
    expect(JSON.stringify(syncs)).not.toContain('SYNC_ALREADY_RUNNING');
  });

  it('records a sync whose process was killed as interrupted, and says so in its own report', async () => {
    standIn.delay(10_000, { path: /^\/v3\.0\/users/ });
    const from = standIn.requests.length;
    const killed = startCli(['sync', '--district', D, '--db', db], env);
    for (let waited = 0; !standIn.requests.slice(from).some((r) => r.path.startsWith('/v3.0/users')); waited += 20) {
      if (waited > 20_000) throw new Error('the sync to be killed never asked for /users');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    killed.kill();
    await killed.done;

    const next = await cli(['sync', '--district', D, '--db', db, '--json'], env);
    expect(next.status).toBe(0);
    const report = JSON.parse(next.stdout);
    expect(report.interruptedSyncs).toHaveLength(1);
    const shown = JSON.parse((await cli(['syncs', 'show', report.interruptedSyncs[0], '--db', db, '--json'], env)).stdout);
    expect(shown).toMatchObject({ status: 'failed', requestedBy: expect.any(String), failure: { code: 'INTERRUPTED', foundBy: report.syncId } });

    const text = await cli(['sync', '--district', D, '--db', db], env);
    expect(text.stdout).not.toContain('had stopped unfinished'); // it was found once, by the sync before
  }, 60_000);

  it('exits 2 for a missing --district, a district not configured, or its token variable unset, naming what to do', async () => {
    expect(await cli(['sync', '--db', db], env)).toMatchObject({ status: 2, stderr: expect.stringContaining('--district <id> is required') });
    const unknown = await cli(['sync', '--district', 'nope', '--db', db, '--json'], env);
    expect(unknown.status).toBe(2);
    expect(JSON.parse(unknown.stdout).error).toMatchObject({ code: 'DISTRICT_NOT_CONFIGURED' });
    const noToken = await cli(['sync', '--district', D, '--db', db], { ...env, [TOKEN_ENV]: '' });
    expect(noToken.status).toBe(2);
    expect(noToken.stderr).toContain(`error (CLEVER_TOKEN_MISSING): the Clever token of district ${D} is read from the environment variable ${TOKEN_ENV}, which is empty`);
  });

  it('exits 2 when the configuration is wrong (a bad schedule), before anything runs', async () => {
    const bad = await cli(['sync', '--district', D, '--db', db], { ...env, LEDGER_DISTRICTS: JSON.stringify({ [D]: { tokenEnv: TOKEN_ENV, schedule: { events: 'often' } } }) });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^configuration error: LEDGER_DISTRICTS: 5a0c91b95c7cc000010d417c\.schedule\.events: "often" is not a schedule/);
  });

  it('exits 2 for a token pasted into tokenEnv, and never prints it', async () => {
    const pasted = 'f1e2d3c4b5a697887766554433221100aabbccdd';
    const { status, stdout, stderr } = await cli(['sync', '--district', D, '--db', db], { ...env, LEDGER_DISTRICTS: JSON.stringify({ [D]: { tokenEnv: pasted } }) });
    expect(status).toBe(2);
    expect(stderr).toMatch(/^configuration error: LEDGER_DISTRICTS: 5a0c91b95c7cc000010d417c\.tokenEnv: looks like a token/);
    expect(stdout + stderr).not.toContain(pasted);
  });

  it('exits 1 when the sync fails (Clever rejects the token), with the failure recorded and the token never shown', async () => {
    const { status, stdout, stderr } = await cli(['sync', '--district', D, '--db', db, '--json'], { ...env, [TOKEN_ENV]: 'revoked-token-0000000' });
    expect(status).toBe(1);
    // recorded as read from where every sync of the district reads, though it never got as far
    expect(JSON.parse(stdout)).toMatchObject({ status: 'failed', origin: `${standIn.baseUrl}/v3.0 district ${D}`, failure: { code: 'CLEVER_TOKEN_REJECTED' } });
    // which request Clever refused, and which variable holds the token to check
    expect(JSON.parse(stdout).failure.reason).toBe(
      `Clever rejected the district token read from the environment variable ${TOKEN_ENV} (HTTP 401) on GET ${standIn.baseUrl}/v3.0/districts?limit=10: reconnect the district or check the token`,
    );
    expect(stdout + stderr).not.toContain('revoked-token-0000000');
  });

  it('names the commands that decide a held sync on this ledger when an events sync is refused for it (exit 2)', async () => {
    // a snapshot of the district with most of its students gone: held by the mass-change guard
    const fewer = join(dir, 'fewer');
    cpSync(CLEVER_DEMO_FOLDER, fewer, { recursive: true });
    const users = JSON.parse(readFileSync(join(fewer, 'users.json'), 'utf8')) as { data: unknown[] };
    writeFileSync(join(fewer, 'users.json'), JSON.stringify({ ...users, data: users.data.slice(0, 300) }));
    const held = await cli(['import', fewer, '--db', db, '--json'], env);
    const heldId = (JSON.parse(held.stdout) as { status: string; syncId: string });
    expect(heldId.status).toBe('held');
    const refused = await cli(['sync', '--district', D, '--events', '--db', db], env);
    expect(refused.stderr).toContain(`is held awaiting approval`);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`  Apply the held sync:  roster-ledger syncs approve ${heldId.syncId} --db ${db} --by <your name>\n`);
    expect(refused.stderr).toContain(`  Drop it:              roster-ledger syncs discard ${heldId.syncId} --db ${db} --by <your name>\n`);
    expect((await cli(['syncs', 'discard', heldId.syncId, '--by', 'e2e', '--db', db], env)).status).toBe(0);
  });

  it('says, when a held events sync is discarded, that its events come again with the next events sync', async () => {
    const users = JSON.parse(readFileSync(join(CLEVER_DEMO_FOLDER, 'users.json'), 'utf8')) as { data: { data: { id: string; roles: Record<string, unknown> } }[] };
    const students = users.data.map((u) => u.data).filter((u) => 'student' in u.roles).slice(0, 200);
    for (const student of students) standIn.pushEvent({ type: 'users.deleted', data: { object: { id: student.id, district: D } } });
    const held = JSON.parse((await cli(['sync', '--district', D, '--events', '--db', db, '--json'], env)).stdout) as { status: string; syncId: string };
    expect(held.status).toBe('held');
    const discarded = await cli(['syncs', 'discard', held.syncId, '--by', 'e2e', '--db', db], env);
    expect(discarded.status).toBe(0);
    expect(discarded.stdout).toContain("The district's events cursor stays where it was: the next events sync reads the same events again, and is held again if they still cross the guard.");
    const again = JSON.parse((await cli(['sync', '--district', D, '--events', '--db', db, '--json'], env)).stdout) as { status: string; syncId: string };
    expect(again.status).toBe('held');
    expect((await cli(['syncs', 'discard', again.syncId, '--by', 'e2e', '--db', db], env)).status).toBe(0);
  });
});
