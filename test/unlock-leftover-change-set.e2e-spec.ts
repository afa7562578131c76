import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { SqliteLedgerDatabase, SqlitePendingChangeStore } from '@roster-ledger/event-store';
import { CLEVER_DEMO_DISTRICT_ID, CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { cli, cliJson, scratch } from './support/ledger-cli';

/**
 * A process killed between an approval's commit and the deletion of the sync's change set leaves
 * the set beside the ledger: students' data, for good in a district that never syncs again (only a
 * district's next sync swept it). `syncs unlock` of the ended sync deletes it.
 */
describe('syncs unlock of an ended sync whose change set was left behind (end to end)', () => {
  const tmp = scratch('unlock-leftover');
  afterAll(() => tmp.cleanup());

  it('deletes the change set, and leaves the sync as it ended', async () => {
    const db = tmp.path('ledger.db');
    const imported = cliJson<{ syncId: string; status: string }>(['import', CLEVER_DEMO_FOLDER, '--db', db, '--skip-projections']);
    expect(imported.body.status).toBe('completed');
    const { syncId } = imported.body;
    // the change set as a held sync's approval would have left it, had its process died after the commit
    const database = new SqliteLedgerDatabase(db);
    try {
      const pending = new SqlitePendingChangeStore(database);
      await pending.add(syncId, CLEVER_DEMO_DISTRICT_ID, [{ streamId: 'user-x', expectedRevision: 'no_stream', events: [{ id: randomUUID(), type: 'StudentShared', data: { id: 'x' }, metadata: {} }] }]);
      await pending.seal(syncId);
      expect(await pending.size(syncId)).toBe(1);
    } finally {
      database.close();
    }
    const staged = `${db}.staged`;
    expect(readdirSync(staged).filter((name) => name.includes(syncId))).toHaveLength(1);
    const unlocked = cli(['syncs', 'unlock', syncId, '--db', db]);
    expect(unlocked.status).toBe(0);
    expect(existsSync(staged) ? readdirSync(staged).filter((name) => name.includes(syncId)) : []).toEqual([]);
    expect(cliJson<{ status: string }>(['syncs', 'show', syncId, '--db', db]).body.status).toBe('completed');
  }, 120_000);
});
