import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReadModelDatabase, type Db } from './read-model-database';
import { ReadModelHousekeeper } from './read-model-housekeeper';
import { SqliteAccessLog } from './readers/sqlite-access-log';

/** A server's connection turns automatic checkpoints off and leaves the access log's index to the housekeeper's thread. */
describe('ReadModelHousekeeper', () => {
  const dir = mkdtempSync(join(tmpdir(), 'housekeeper-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Commits `rounds` transactions of about 400 KB each, pausing between them; returns the largest WAL size seen. */
  async function writeRounds(db: Db, path: string, rounds: number): Promise<number> {
    const insert = db.prepare('INSERT INTO payload (body) VALUES (?)');
    let largest = 0;
    for (let round = 0; round < rounds; round++) {
      db.transaction(() => {
        for (let i = 0; i < 100; i++) insert.run('x'.repeat(4_000));
      })();
      largest = Math.max(largest, statSync(`${path}-wal`).size);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    return largest;
  }

  function open(name: string): { db: Db; path: string } {
    const path = join(dir, name);
    const db = openReadModelDatabase(path);
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE payload (id INTEGER PRIMARY KEY, body TEXT)');
    return { db, path };
  }

  it('keeps the WAL of a connection without automatic checkpoints from growing, from its own thread', async () => {
    const without = open('without.db');
    const grown = await writeRounds(without.db, without.path, 25);
    without.db.close();

    const withIt = open('with.db');
    const housekeeper = new ReadModelHousekeeper(withIt.path, 10);
    await housekeeper.started;
    try {
      const kept = await writeRounds(withIt.db, withIt.path, 25);
      // without checkpoints the WAL holds all 10 MB written; with them it is reused from its start
      expect(grown).toBeGreaterThan(8 * 1024 * 1024);
      expect(kept).toBeLessThan(grown / 4);
    } finally {
      await housekeeper.stop();
      withIt.db.close();
    }
  });

  it("keeps the read models' files' WALs from growing too", async () => {
    const ledger = open('ledger-of-read-models.db');
    // a version's file, which appears after the server started: found at the next round
    const housekeeper = new ReadModelHousekeeper(ledger.path, 10, { readModels: true });
    await housekeeper.started;
    const readModel = open('ledger-of-read-models.db.read-models/accounts.v2.db');
    try {
      const kept = await writeRounds(readModel.db, readModel.path, 25);
      expect(kept).toBeLessThan(3 * 1024 * 1024); // of 10 MB written
    } finally {
      await housekeeper.stop();
      ledger.db.close();
      readModel.db.close();
    }
  });

  it('indexes the access log by student while the server goes on recording reads', async () => {
    const { db, path } = open('access.db');
    const log = SqliteAccessLog.open(path);
    const housekeeper = new ReadModelHousekeeper(path, 10);
    await housekeeper.started;
    try {
      for (let i = 0; i < 500; i++) {
        await log.record({ at: `2026-11-29T08:00:00.${String(i).padStart(3, '0')}Z`, who: 'desk', role: 'support', endpoint: 'GET /classes/:id/roster', studentIds: [`s${i}`, `s${i + 1}`] });
      }
      const deadline = Date.now() + 20_000;
      while (log.backlog() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      // every read, without a look-up by student having asked for it
      expect(log.backlog()).toBe(0);
    } finally {
      await housekeeper.stop();
      log.close();
      db.close();
    }
  });
});
