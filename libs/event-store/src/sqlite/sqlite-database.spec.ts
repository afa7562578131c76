import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { NewEvent, StreamAppend } from '@roster-ledger/ledger';
import { SqliteLedgerDatabase } from './sqlite-database';
import { SqliteEventStore } from './sqlite-event-store';

const NORMAL = 1;
const FULL = 2;

function event(n: number): NewEvent {
  return { id: `00000000-0000-8000-8000-${String(n).padStart(12, '0')}`, type: 'StudentShared', data: { n, padding: 'x'.repeat(900) }, metadata: { syncId: 's' } };
}

function appends(from: number, count: number): StreamAppend[] {
  return Array.from({ length: count }, (_, i) => ({ streamId: `user-${from + i}`, expectedRevision: 'no_stream' as const, events: [event(from + i)] }));
}

describe('SqliteLedgerDatabase.inBulk: a rollback journal for a sync that holds the ledger alone', () => {
  let dir: string;
  let path: string;
  const opened: { close(): unknown }[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-bulk-'));
    path = join(dir, 'ledger.db');
  });

  afterEach(async () => {
    for (const handle of opened.splice(0)) await handle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function open(): { database: SqliteLedgerDatabase; store: SqliteEventStore } {
    const database = new SqliteLedgerDatabase(path);
    const store = new SqliteEventStore(database);
    opened.push(store);
    return { database, store };
  }

  const modeOf = (database: SqliteLedgerDatabase) => [database.db.pragma('journal_mode', { simple: true }), database.db.pragma('synchronous', { simple: true })];

  it('alone on the file: the work writes through a rollback journal, durable at each commit, and the file is in WAL mode again after', async () => {
    const { database, store } = open();
    const during = await store.inBulk(async () => {
      await store.appendToStreams(appends(1, 100));
      return modeOf(database);
    });
    expect(during).toEqual(['delete', FULL]);
    expect(modeOf(database)).toEqual(['wal', NORMAL]);
    expect(existsSync(`${path}-journal`)).toBe(false);
    expect(await store.headPosition()).toBe(100);
    // and another connection reads what the work wrote
    expect(await open().store.streamRevision('user-100')).toBe(0);
  });

  it('with another connection open on the file: the work runs in WAL mode throughout, and that connection reads its commits as they are made', async () => {
    const { database, store } = open();
    const reader = open().store;
    const seen = await store.inBulk(async () => {
      await store.appendToStreams(appends(1, 10));
      return { mode: modeOf(database), head: await reader.headPosition() };
    });
    expect(seen).toEqual({ mode: ['wal', NORMAL], head: 10 });
    expect(modeOf(database)).toEqual(['wal', NORMAL]);
  });

  it('a work that fails: its error is thrown, its failed append wrote nothing, and the file is in WAL mode again', async () => {
    const { database, store } = open();
    await store.appendToStreams(appends(1, 1));
    const failing = store.inBulk(async () => {
      await store.appendToStreams(appends(2, 5));
      // user-1 exists: the whole second append is refused
      await store.appendToStreams([...appends(7, 5), { streamId: 'user-1', expectedRevision: 'no_stream', events: [event(99)] }]);
    });
    await expect(failing).rejects.toThrow(/user-1/);
    expect(modeOf(database)).toEqual(['wal', NORMAL]);
    expect(await store.headPosition()).toBe(6);
    expect(await store.streamRevision('user-7')).toBeNull();
  });

  it('works nested or at the same time on one connection share the journal; the last to end goes back to WAL', async () => {
    const { database, store } = open();
    let release!: () => void;
    const longer = store.inBulk(() => new Promise<string>((resolveLonger) => (release = () => resolveLonger(String(database.db.pragma('journal_mode', { simple: true }))))));
    const inner = await store.inBulk(async () => store.inBulk(async () => modeOf(database)));
    expect(inner).toEqual(['delete', FULL]);
    // the first work still runs: still a rollback journal
    expect(modeOf(database)).toEqual(['delete', FULL]);
    release();
    expect(await longer).toBe('delete');
    expect(modeOf(database)).toEqual(['wal', NORMAL]);
  });

  it('a connection that opens the file during the work switches it back to WAL; the work goes on, and both see every commit', async () => {
    const { database, store } = open();
    const result = await store.inBulk(async () => {
      await store.appendToStreams(appends(1, 10));
      const { database: newcomer, store: other } = open();
      const newcomerMode = modeOf(newcomer);
      await store.appendToStreams(appends(11, 10));
      return { newcomerMode, workMode: database.db.pragma('journal_mode', { simple: true }), otherHead: await other.headPosition() };
    });
    expect(result).toEqual({ newcomerMode: ['wal', NORMAL], workMode: 'wal', otherHead: 20 });
    expect(modeOf(database)).toEqual(['wal', NORMAL]);
  });

  it('in memory: the work runs as it is', async () => {
    const database = new SqliteLedgerDatabase(':memory:');
    const store = new SqliteEventStore(database);
    opened.push(store);
    expect(await store.inBulk(async () => database.db.pragma('journal_mode', { simple: true }))).toBe('memory');
  });

  it('openElsewhere: false alone on the file, true while another process holds it open, false once it closed; the file stays in WAL mode', async () => {
    const { database, store } = open();
    await store.appendToStreams(appends(1, 3));
    expect(database.openElsewhere()).toBe(false);
    // a second process opens the file and holds it until told to close (a line on its stdin)
    const root = resolve(__dirname, '../../../..');
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(${JSON.stringify(path)});
      db.prepare('SELECT count(*) FROM events').get();
      process.stdout.write('open\\n');
      process.stdin.once('data', () => { db.close(); process.exit(0); });`;
    const holder = spawn(process.execPath, ['-e', script], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((opened, failed) => {
        holder.stdout.once('data', () => opened());
        holder.once('exit', (code) => failed(new Error(`the holding process ended first (exit ${code})`)));
      });
      expect(database.openElsewhere()).toBe(true);
      expect(modeOf(database)).toEqual(['wal', NORMAL]);
    } finally {
      holder.stdin.write('close\n');
      await new Promise((ended) => holder.once('exit', ended));
    }
    expect(database.openElsewhere()).toBe(false);
    expect(modeOf(database)).toEqual(['wal', NORMAL]);
    expect(await store.headPosition()).toBe(3);
  });

  it('a process killed in the middle of a bulk transaction leaves a journal that the next opening rolls back: nothing of that transaction, all before it', async () => {
    // a child process appends one event, then starts a bulk append larger than its 1 MiB page
    // cache (so pages of the transaction reach the file) and kills itself with SIGKILL inside it
    const root = resolve(__dirname, '../../../..');
    const script = `
      require(${JSON.stringify(join(root, 'bin/register.js'))});
      const { SqliteEventStore } = require(${JSON.stringify(join(root, 'libs/event-store/src/index.ts'))});
      const event = (n) => ({ id: '00000000-0000-8000-8000-' + String(n).padStart(12, '0'), type: 'StudentShared', data: { n, padding: 'x'.repeat(900) }, metadata: { syncId: 's' } });
      const store = SqliteEventStore.open(${JSON.stringify(path)}, { pageCacheMiB: 1 });
      (async () => {
        await store.appendToStream('user-0', [event(0)], 'no_stream');
        await store.inBulk(async () => {
          await store.appendToStreams((function* () {
            for (let n = 1; ; n++) {
              if (n === 5000) process.kill(process.pid, 'SIGKILL');
              yield { streamId: 'user-' + n, expectedRevision: 'no_stream', events: [event(n)] };
            }
          })());
        });
      })();`;
    const child = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect([child.signal, child.stderr]).toEqual(['SIGKILL', '']);
    // the transaction's pages were written into the file, their old content kept in the journal
    expect(existsSync(`${path}-journal`)).toBe(true);

    const { database, store } = open();
    expect(modeOf(database)).toEqual(['wal', NORMAL]);
    expect(existsSync(`${path}-journal`)).toBe(false);
    expect(database.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(await store.headPosition()).toBe(1);
    expect(await store.streamRevision('user-1')).toBeNull();
    // and the ledger takes the same append again
    await store.appendToStreams(appends(1, 10));
    expect(await store.headPosition()).toBe(11);
  });
});
