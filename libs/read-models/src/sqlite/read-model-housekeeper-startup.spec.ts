import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReadModelDatabase } from './read-model-database';
import { ReadModelHousekeeper } from './read-model-housekeeper';
import { SqliteAccessLog } from './readers/sqlite-access-log';

/**
 * serve may start while another process (an import's final append, a rebuild) holds the ledger's
 * write lock for minutes. The housekeeping thread must start and index the access log all the
 * same: the access log lives in a file of its own.
 */
describe('ReadModelHousekeeper started while another process holds the ledger\'s write lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'housekeeper-startup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts and indexes the reads recorded meanwhile, before the lock is released', async () => {
    const path = join(dir, 'ledger.db');
    const importer = openReadModelDatabase(path);
    const log = SqliteAccessLog.open(path);
    importer.exec('CREATE TABLE events (id INTEGER PRIMARY KEY)');
    importer.exec('BEGIN IMMEDIATE');
    importer.exec('INSERT INTO events VALUES (1)');
    const housekeeper = new ReadModelHousekeeper(path, 10);
    try {
      await housekeeper.started;
      await log.record({ at: '2026-11-29T08:00:00.000Z', who: 'desk', role: 'support', endpoint: 'GET /accounts/:id', studentIds: ['ana'] });
      const deadline = Date.now() + 10_000;
      while (log.backlog() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(log.backlog()).toBe(0);
      expect(importer.inTransaction).toBe(true);
    } finally {
      importer.exec('COMMIT');
      await housekeeper.stop();
      importer.close();
      log.close();
    }
  });
});
