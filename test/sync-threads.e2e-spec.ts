import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { generateDistrict } from '../scripts/generate/generate';
import { ApiClient, testKeysConfig, TEST_KEYS } from './support/api-client';
import { startServe, stopServe, type ServeProcess } from './support/api-serve-process';
import { cliJson, readLog } from './support/ledger-cli';

/**
 * `serve` applies a held sync (POST /syncs/:id/approve) in a worker thread of its own, as it runs
 * the syncs the API and the schedule start: a term's rollover appends millions of events in one
 * transaction, and on the server's thread no request would be answered until it ended.
 */
describe('serve goes on answering while it applies a held sync', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-sync-threads-'));
  const db = join(dir, 'ledger.db');
  let serve: ServeProcess;
  let api: ApiClient;
  let heldSyncId: string;

  beforeAll(async () => {
    await generateDistrict({ students: 2_000, seed: '1', out: join(dir, 'base'), rollover: join(dir, 'rollover') });
    expect(cliJson(['import', join(dir, 'base'), '--db', db, '--json']).status).toBe(0);
    const held = cliJson<{ status: string; syncId: string }>(['import', join(dir, 'rollover'), '--db', db, '--json']);
    expect(held.body.status).toBe('held');
    heldSyncId = held.body.syncId;
    serve = await startServe(db, { LEDGER_API_KEYS: testKeysConfig() });
    api = new ApiClient(serve.started.url);
  }, 120_000);

  afterAll(async () => {
    if (serve) await stopServe(serve);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an approval or a discard sent with parameters they do not take (a dry run, another name), applying nothing', async () => {
    const before = (await readLog(db)).length;
    const dryRun = await api.as('admin').post(`/syncs/${heldSyncId}/approve`, { dryRun: true, by: 'someone-else' });
    expect([dryRun.status, dryRun.body.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(dryRun.body.errors).toEqual([
      { parameter: 'dryRun', problems: ["dryRun is not a parameter of this request's body; it takes none"] },
      { parameter: 'by', problems: ["by is not a parameter of this request's body; it takes none"] },
    ]);
    const inQuery = await api.as('engineer').post(`/syncs/${heldSyncId}/discard?dryRun=true`);
    expect([inQuery.status, inQuery.body.detail]).toEqual([400, 'dryRun is not a query parameter of this request; it takes none']);
    // a key without the role is told so first, as on every route
    expect((await api.as('support').post(`/syncs/${heldSyncId}/approve`, { dryRun: true })).status).toBe(403);
    expect((await readLog(db)).length).toBe(before);
    expect((await api.as('admin').get(`/syncs/${heldSyncId}`)).body).toMatchObject({ status: 'held' });
  });

  it('answers a health check sent while the approval holds the ledger, before the approval ends, and refuses the same approval twice', async () => {
    // a connection of the test's own tells when the approval's append holds the ledger's write lock
    const probe = new Database(db, { timeout: 0 });
    const appending = (): boolean => {
      try {
        probe.exec('BEGIN IMMEDIATE');
        probe.exec('ROLLBACK');
        return false;
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
        throw error;
      }
    };
    const answered: string[] = [];
    try {
      const approval = api
        .as('admin')
        .post(`/syncs/${heldSyncId}/approve`)
        .then((answer) => (answered.push('approval'), answer));
      // the same approval asked again meanwhile: refused at once, not run beside the first
      const twice = await api.as('engineer').post(`/syncs/${heldSyncId}/approve`);
      expect([twice.status, twice.body.code, twice.body.detail]).toEqual([409, 'SYNC_ALREADY_RUNNING', `sync ${heldSyncId} is being approved by another request; one approval at a time`]);
      expect(answered).toEqual([]);
      let health: Promise<unknown> | null = null;
      while (health === null && answered.length === 0) {
        if (appending()) health = api.as(null).get('/health/live').then((answer) => (answered.push('health'), answer));
        else await new Promise((wake) => setTimeout(wake, 1));
      }
      if (health === null) throw new Error('the approval ended before the test saw it hold the ledger');
      const [approved, live] = await Promise.all([approval, health]);
      expect(live).toMatchObject({ status: 200 });
      expect(approved).toMatchObject({ status: 200, body: { syncId: heldSyncId, status: 'completed', approvedBy: TEST_KEYS.admin.name, approvedVia: 'api' } });
      expect(answered).toEqual(['health', 'approval']);
    } finally {
      probe.close();
    }
    const log = await readLog(db);
    expect(log.filter((e) => e.streamId === `sync-${heldSyncId}`).map((e) => e.type)).toEqual(['SyncStarted', 'SyncHeld', 'SyncApproved', 'SyncCompleted']);
  }, 120_000);

  it("answers the thread's refusals as the API documents them", async () => {
    const again = await api.as('admin').post(`/syncs/${heldSyncId}/approve`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'SYNC_NOT_HELD', detail: expect.stringContaining('is completed, not held') });
    const unknown = await api.as('engineer').post('/syncs/00000000-0000-4000-8000-000000000000/approve');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'SYNC_NOT_FOUND' });
  });
});
