import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateSnapshots } from './support/crash-snapshot';
import { killStrayChildren, startCli, waitFor, type CliRun } from './support/crash-process';
import { readLog, scratch } from './support/ledger-cli';

const SANDBOX = resolve(__dirname, '../../shared/data/clever-sandbox-sftp-csv');

/**
 * A snapshot file may be a named pipe: a large file streamed in as it is unpacked
 * (`mkfifo users.json; zcat users.json.gz > users.json &`). Its bytes can be read once, so the
 * import reads it once, and nothing it does waits for a second writer that never comes.
 */
describe('a snapshot with named pipes (end to end)', () => {
  const tmp = scratch('named-pipes');
  const district = tmp.path('district');
  const writers: ChildProcess[] = [];
  beforeAll(() => generateSnapshots({ students: 12_000, seed: 'named-pipes', base: district }), 120_000);
  afterAll(() => {
    killStrayChildren();
    for (const writer of writers) writer.kill('SIGKILL');
    tmp.cleanup();
  });

  /** A copy of `from` whose `files` are named pipes nobody writes yet. */
  const withPipes = (from: string, to: string, files: string[]): string => {
    cpSync(from, to, { recursive: true });
    for (const file of files) {
      unlinkSync(join(to, file));
      execFileSync('mkfifo', [join(to, file)]);
    }
    return to;
  };
  /** Writes `from` into the pipe `to` once, as `cat from > to` does, from another process. */
  const writeOnce = (from: string, to: string) => writers.push(spawn('sh', ['-c', 'cat "$0" > "$1"', from, to], { stdio: 'ignore' }));
  /** The run's end, or null if it has not ended within `ms`. */
  const within = async (run: Promise<CliRun>, ms: number): Promise<CliRun | null> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([run, new Promise<null>((resolveLate) => (timer = setTimeout(() => resolveLate(null), ms)))]);
    } finally {
      clearTimeout(timer);
    }
  };
  const rosterTypes = async (db: string) => (await readLog(db)).filter((e) => !e.streamId.startsWith('sync-')).map((e) => `${e.streamId} ${e.type}`);

  it('records from pipes written once what it records from the files themselves (their bytes read once, not hashed beside the reader)', async () => {
    const fromFiles = await startCli(['import', district, '--db', tmp.path('files.db'), '--skip-projections']).done;
    expect(fromFiles.status).toBe(0);
    const piped = withPipes(district, tmp.path('piped'), ['users.json', 'sections.json']);
    const run = startCli(['import', piped, '--db', tmp.path('piped.db'), '--skip-projections', '--json']);
    for (const file of ['users.json', 'sections.json']) writeOnce(join(district, file), join(piped, file));
    const ended = await within(run.done, 120_000);
    expect(ended?.status).toBe(0);
    expect(JSON.parse(ended!.stdout)).toMatchObject({ status: 'completed', contents: null });
    expect(await rosterTypes(tmp.path('piped.db'))).toEqual(await rosterTypes(tmp.path('files.db')));
  }, 300_000);

  it('stopped with Ctrl-C while it waits on a pipe nobody writes, exits as it says', async () => {
    const piped = withPipes(district, tmp.path('unwritten'), ['sections.json']);
    const run = startCli(['import', piped, '--db', tmp.path('unwritten.db')]);
    // a thread of the process waits in the pipe's open for a writer that never comes
    const waitsOnThePipe = () =>
      readdirSync(`/proc/${run.child.pid}/task`).some((task) => {
        try {
          return readFileSync(`/proc/${run.child.pid}/task/${task}/wchan`, 'utf8').includes('wait_for_partner');
        } catch {
          return false; // a thread that ended meanwhile
        }
      });
    await waitFor('the import to wait on the pipe', waitsOnThePipe, 60_000);
    run.child.kill('SIGINT');
    const stopped = await within(run.done, 20_000);
    expect(stopped?.status).toBe(130);
    expect(stopped!.stderr).toMatch(/interrupted while sync \S+ ran\./);
  }, 180_000);

  it('with --district given, leaves a districts.json pipe to the sync rather than read it first', async () => {
    const piped = withPipes(district, tmp.path('piped-districts'), ['districts.json']);
    const districtId = (JSON.parse(readFileSync(join(district, 'districts.json'), 'utf8')) as { data: { data: { id: string } }[] }).data[0]!.data.id;
    const run = startCli(['import', piped, '--district', districtId, '--db', tmp.path('piped-districts.db'), '--skip-projections']);
    writeOnce(join(district, 'districts.json'), join(piped, 'districts.json'));
    const ended = await within(run.done, 120_000);
    expect(ended?.status).toBe(0);
  }, 180_000);

  (existsSync(SANDBOX) ? it : it.skip)('refuses a CSV upload with a pipe as a usage mistake, naming it, before any ledger is made', async () => {
    const piped = withPipes(SANDBOX, tmp.path('csv'), ['students.csv']);
    const run = startCli(['import', piped, '--district', 'piped-csv', '--new-district', '--db', tmp.path('csv.db'), '--json']);
    const ended = await within(run.done, 60_000);
    expect(ended?.status).toBe(2);
    expect(JSON.parse(ended!.stdout)).toEqual({
      error: {
        code: 'INVALID_REQUEST',
        message: "students.csv is a named pipe: an upload's CSV files are each read more than once (the header first, to know its columns), and a pipe's bytes only once: unpack it into a file first",
      },
    });
    expect(existsSync(tmp.path('csv.db'))).toBe(false);
  }, 120_000);
});
