import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SqliteEventStore } from '@roster-ledger/event-store';
import { cliJson, readLog, scratch, type CliResult } from './support/ledger-cli';

const ROOT = resolve(__dirname, '..');

/** `npm run demo` as a user runs it, from `cwd` (where it writes data/demo). */
function runDemo(cwd: string): CliResult {
  const result = spawnSync(process.execPath, ['-r', join(ROOT, 'bin/register.js'), join(ROOT, 'apps/cli/src/demo.ts')], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, LEDGER_CONFIG: '', LEDGER_DB: '' },
    timeout: 300_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Another process with the ledger file open, as `serve` has it, until `release`d. */
async function holdOpen(path: string): Promise<{ pid: number; release: () => Promise<void> }> {
  const script = `
    const db = new (require('better-sqlite3'))(${JSON.stringify(path)});
    db.prepare('SELECT count(*) FROM events').get();
    process.stdout.write('open\\n');
    process.stdin.once('data', () => { db.close(); process.exit(0); });`;
  const holder: ChildProcessWithoutNullStreams = spawn(process.execPath, ['-e', script], { cwd: ROOT });
  await new Promise<void>((opened, failed) => {
    holder.stdout.once('data', () => opened());
    holder.once('exit', (code) => failed(new Error(`the holding process ended first (exit ${code})`)));
  });
  return {
    pid: holder.pid!,
    release: async () => {
      holder.stdin.write('close\n');
      await new Promise((ended) => holder.once('exit', ended));
    },
  };
}

describe('npm run demo (end to end)', () => {
  const tmp = scratch('demo');
  afterAll(() => tmp.cleanup());

  it('ends with a roster command as of a moment between the two days, which shows the class before the students who joined on day 2', () => {
    const cwd = tmp.path('fresh');
    mkdirSync(cwd);
    const result = runDemo(cwd);
    expect(result.status).toBe(0);
    // each day's import folds its events into the read models, as roster-ledger import does
    expect(result.stdout.match(/^ {2}Read models updated \([\d,]+ events? folded\)\.$/gm)).toHaveLength(3);
    const asked = /\n {2}npm run roster-ledger -- roster (\S+) --as-of (\S+) --db (\S+)\n {2}npm run roster-ledger -- roster \1 --db \3\n$/.exec(result.stdout);
    expect(asked).not.toBeNull();
    const [, section, moment, db] = asked!;
    const studentsOf = (args: string[]) => (cliJson<{ students: { userId: string }[] }>(['roster', section!, ...args, '--db', db!]).body.students ?? []).map((s) => s.userId);
    const before = studentsOf(['--as-of', moment!]);
    const after = studentsOf([]);
    // the student the next day adds (see writeNextDaySnapshot), and one moved in from another class
    expect(after).toContain('6a0000000000000000000001');
    expect(before).not.toContain('6a0000000000000000000001');
    expect(after.filter((id) => !before.includes(id))).toHaveLength(2);
    expect(before.filter((id) => !after.includes(id))).toEqual([]);
    // the access log has the demo's read of the students of day 2's events it shows, not of every student
    const shown = [...result.stdout.matchAll(/^ {3}\S+ +user-(\S+) /gm)].map((match) => match[1]);
    const demoReads = cliJson<{ items: { who: string; studentIds: string[] }[] }>(['access-log', '--db', db!]).body.items.filter((read) => read.who === 'demo');
    expect(demoReads).toHaveLength(1);
    expect(demoReads[0]!.studentIds.length).toBeLessThan(20);
    expect(demoReads[0]!.studentIds).toContain('6a0000000000000000000001');
    for (const student of demoReads[0]!.studentIds) expect(shown).toContain(student);
    // every file it writes holds students' data or lies beside what does: its user's alone
    const open = readdirSync(dirname(db!), { recursive: true, encoding: 'utf8' })
      .map((name) => join(dirname(db!), name))
      .filter((path) => (statSync(path).mode & 0o077) !== 0);
    expect(open).toEqual([]);
  });

  it('refuses to delete a demo ledger another process has open (a serve), naming it and what to do, and leaves it as it was', async () => {
    const cwd = tmp.path('served');
    const ledger = join(cwd, 'data', 'demo', 'ledger.db');
    mkdirSync(join(cwd, 'data', 'demo'), { recursive: true });
    const store = SqliteEventStore.open(ledger);
    await store.appendToStream('user-1', [{ id: '00000000-0000-8000-8000-000000000001', type: 'StudentShared', data: { n: 1 }, metadata: { syncId: 's' } }], 'no_stream');
    await store.close();
    const before = await readLog(ledger);

    const holder = await holdOpen(ledger);
    let result: CliResult;
    try {
      result = runDemo(cwd);
    } finally {
      await holder.release();
    }
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`error: the demo ledger ${ledger} is open in process ${holder.pid} (`);
    expect(result.stderr).toContain(`Stop it (Ctrl-C in its terminal, or kill ${holder.pid}), then run the demo again.`);
    expect(await readLog(ledger)).toEqual(before);
    expect(existsSync(join(cwd, 'data', 'demo', 'next-day'))).toBe(false);
  });
});
