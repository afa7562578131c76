import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReadModelDatabase } from './read-model-database';
import { ReadModelHousekeeper } from './read-model-housekeeper';
import { SqliteAccessLog } from './readers/sqlite-access-log';

/**
 * serve may start while another process (an import, a rebuild) holds the ledger's write lock for
 * a while. The housekeeping thread must still end up indexing the access log and checkpointing,
 * or say that it cannot: a server that silently runs without it is not noticed by anyone.
 */
describe('ReadModelHousekeeper started while another process holds the write lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'housekeeper-startup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('indexes the reads recorded once the lock is released', async () => {
    const path = join(dir, 'ledger.db');
    const db = openReadModelDatabase(path);
    const log = new SqliteAccessLog(db);
    const mark = db.prepare('SELECT up_to FROM access_log_indexed').pluck();

    const importer = openReadModelDatabase(path);
    importer.exec('BEGIN IMMEDIATE');
    const housekeeper = new ReadModelHousekeeper(path, 10);
    let startError: unknown = null;
    housekeeper.started.catch((error: unknown) => (startError = error));
    try {
      // a long import transaction, a little longer than a connection's busy timeout
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      importer.exec('COMMIT');
      await log.record({ at: '2026-11-29T08:00:00.000Z', who: 'desk', role: 'support', endpoint: 'GET /accounts/:id', studentIds: ['ana'] });
      const deadline = Date.now() + 4_000;
      while ((mark.get() as number) < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect({ indexedUpTo: mark.get(), startError: startError === null ? null : (startError as { code?: string }).code }).toEqual({ indexedUpTo: 1, startError: null });
    } finally {
      await housekeeper.stop();
      importer.close();
      db.close();
    }
  }, 30_000);
});
