import { RunSyncCommand } from '@roster-ledger/ledger';
import { CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import Database from 'better-sqlite3';
import { cli, cliJson, scratch } from './support/ledger-cli';
import { startApiTestServer } from './support/api-test-server';

/**
 * The log is tamper-evident: every append seals its events (a thousand at a time), and
 * `verify-log` finds an event changed in the file afterwards, by anyone who can write it, and
 * names where; a seal kept from before finds a log cut at its end.
 */
describe('verify-log: the log checked against the seals of its appends (end to end)', () => {
  const tmp = scratch('verify-log');
  afterAll(() => tmp.cleanup());

  it('finds the demo as recorded and a kept seal still in its chain, then names the seal of an event changed in the file', () => {
    const db = tmp.path('ledger.db');
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);

    const intact = cli(['verify-log', '--db', db]);
    expect(intact.status).toBe(0);
    expect(intact.stdout).toMatch(/^The log is as it was recorded: [\d,]+ events, \d+ seals, the last at position [\d,]+\.\n  Last seal: [0-9a-f]{64} \(position [\d,]+\)\n/);
    const report = cliJson<{ intact: boolean; events: number; seals: number; lastSeal: { position: number; sha256: string } }>(['verify-log', '--db', db, '--json']).body;
    // a seal for each thousand events of the demo's one sync, and the sync's own events
    expect(report).toMatchObject({ intact: true, broken: null, unsealedBefore: 0, unsealedAfter: 0 });
    expect(report.seals).toBeGreaterThanOrEqual(Math.ceil(report.events / 1_000));
    const kept = report.lastSeal.sha256;

    // one more sync: its events are sealed after the kept seal, which the chain still holds
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    expect(cli(['verify-log', '--expect', kept, '--db', db]).stdout).toContain(`The seal ${kept} (position ${report.lastSeal.position.toLocaleString('en-US')}) is in the chain`);

    // a grade changed by hand in the file
    const file = new Database(db);
    const changed = file.prepare(`SELECT position, data FROM events WHERE type = 'StudentShared' LIMIT 1 OFFSET 700`).get() as { position: number; data: string };
    file.prepare('UPDATE events SET data = ? WHERE position = ?').run(changed.data.replace(/"grade":"[^"]*"/, '"grade":"12"'), changed.position);
    file.close();
    const tampered = cli(['verify-log', '--db', db]);
    expect(tampered.status).toBe(1);
    const from = Math.floor((changed.position - 2) / 1_000) * 1_000 + 2;
    expect(tampered.stdout).toContain(`NOT AS RECORDED: events ${from.toLocaleString('en-US')} to ${(from + 999).toLocaleString('en-US')} (under one seal): these events are not the bytes that were recorded`);

    // the seal kept before the second sync lies past the break: not checked, which is not gone
    const past = cli(['verify-log', '--expect', kept, '--db', db]);
    expect(past.status).toBe(1);
    expect(past.stdout).toContain(`  The seal ${kept} (position ${report.lastSeal.position.toLocaleString('en-US')}) lies past the break: it was not checked.\n`);
    expect(past.stdout).not.toContain('is not in the log');
    const pastJson = cliJson(['verify-log', '--expect', kept, '--db', db]);
    expect(pastJson.status).toBe(1);
    expect(pastJson.body).toMatchObject({ intact: false, broken: { from }, expected: { position: report.lastSeal.position, found: false, checked: false } });

    // the seal of the changed events, kept from before the change: named as the one that breaks
    const reader = new Database(db, { readonly: true });
    const brokenSeal = reader.prepare('SELECT position, sha256 FROM log_seals WHERE position = ?').get(from + 999) as { position: number; sha256: string };
    reader.close();
    const atBreak = cli(['verify-log', '--expect', brokenSeal.sha256, '--db', db]);
    expect(atBreak.status).toBe(1);
    expect(atBreak.stdout).toContain(`  The seal ${brokenSeal.sha256} (position ${brokenSeal.position.toLocaleString('en-US')}) is the one where the chain breaks.\n`);

    // a seal that is not a seal is a usage mistake
    expect(cli(['verify-log', '--expect', 'abc', '--db', db])).toMatchObject({ status: 2, stderr: expect.stringContaining('--expect must be a seal as verify-log prints it, 64 hex digits, got "abc"') });
  }, 60_000);

  it('finds a log cut after a seal that was kept: the seal is no longer in its chain', () => {
    const db = tmp.path('cut.db');
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    const kept = cliJson<{ lastSeal: { position: number; sha256: string } }>(['verify-log', '--db', db, '--json']).body.lastSeal;
    const file = new Database(db);
    file.prepare('DELETE FROM events WHERE position = ?').run(kept.position);
    file.prepare('DELETE FROM log_seals WHERE position = ?').run(kept.position);
    file.close();
    const cut = cli(['verify-log', '--expect', kept.sha256, '--db', db]);
    expect(cut.status).toBe(1);
    // said first, and not contradicted: no "as it was recorded", no new seal offered as a baseline
    expect(cut.stdout.startsWith(`NOT AS RECORDED: the seal ${kept.sha256} is not in the log's chain`)).toBe(true);
    expect(cut.stdout).not.toContain('The log is as it was recorded');
    expect(cut.stdout).not.toContain('Keep it elsewhere');
  }, 60_000);

  it('names events under no seal between two seals, and checks the seals after them', () => {
    const db = tmp.path('gap.db');
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    // an event written without a seal (by hand, or by a release that keeps none), then a sync that seals on
    const file = new Database(db);
    const gap = (file.prepare('SELECT MAX(position) FROM events').pluck().get() as number) + 1;
    file.prepare(`INSERT INTO events (event_id, stream_id, category, revision, type, data, metadata, recorded_at) VALUES ('x', 'user-u9', 'user', 0, 'StudentShared', '{}', '{}', '2026-12-01T00:00:00.000Z')`).run();
    file.close();
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    const checked = cli(['verify-log', '--db', db]);
    expect(checked.status).toBe(1);
    const at = gap.toLocaleString('en-US');
    expect(checked.stdout).toMatch(
      new RegExp(`^NOT AS RECORDED: event ${at} lies between two seals, under none: written outside an append \\(by hand, or by a release that keeps no seals\\)\\.\n  Apart from that, the seals check out: [\\d,]+ events, \\d+ seals, the last at position [\\d,]+\\.\n`),
    );
    expect(cliJson<{ intact: boolean; broken: null; unsealedBetween: unknown[] }>(['verify-log', '--db', db, '--json']).body).toMatchObject({
      intact: false,
      broken: null,
      unsealedBetween: [{ from: gap, to: gap, events: 1 }],
    });
  }, 60_000);

  it('serves the last seal to keep elsewhere (GET /log/seal), which verify-log --expect finds in the chain after more syncs', async () => {
    type Latest = { head: number; seal: { position: number; sha256: string } | null };
    const db = tmp.path('api.db');
    const server = await startApiTestServer(db);
    const sync = () => server.commands.execute(new RunSyncCommand(CLEVER_DEMO_FOLDER, { requestedBy: 'e2e' }));
    let kept: Latest;
    let later: Latest;
    try {
      expect(await server.client.as('compliance').get('/log/seal')).toMatchObject({ status: 200, body: { head: 0, seal: null } });
      await sync();
      const first = await server.client.as('compliance').get<Latest>('/log/seal');
      expect(first.status).toBe(200);
      kept = first.body;
      // the seal of the last append, which ends the log
      expect(kept.seal!.position).toBe(kept.head);
      await sync();
      later = (await server.client.as('engineer').get<Latest>('/log/seal')).body;
      expect(later.seal!.position).toBeGreaterThan(kept.seal!.position);
      expect(later.head).toBe(later.seal!.position);
      // not personal data, but not support's business; a key is needed
      expect((await server.client.as('admin').get('/log/seal')).status).toBe(200);
      expect((await server.client.as('support').get('/log/seal')).status).toBe(403);
      expect((await server.client.as(null).get('/log/seal')).status).toBe(401);
    } finally {
      await server.close();
    }
    // what was served is what a check of the whole log finds, and the seal kept before is in its chain
    const checked = cliJson<{ intact: boolean; events: number; lastSeal: { position: number; sha256: string } }>(['verify-log', '--db', db, '--json']).body;
    expect(checked).toMatchObject({ intact: true, events: later.head, lastSeal: later.seal });
    expect(cli(['verify-log', '--expect', kept.seal!.sha256, '--db', db]).stdout).toContain(`The seal ${kept.seal!.sha256} (position ${kept.seal!.position.toLocaleString('en-US')}) is in the chain`);
  }, 60_000);
});
