import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

// bin/register.js runs the TypeScript sources for the CLI, its worker threads and the scripts.
const REGISTER = resolve(__dirname, '../bin/register.js');

describe('running the TypeScript sources without a build (bin/register.js)', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'roster-ledger-register-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const run = (name: string, source: string, env: NodeJS.ProcessEnv = process.env) => {
    const file = join(folder, name);
    writeFileSync(file, source);
    const result = spawnSync(process.execPath, ['-r', REGISTER, file], { encoding: 'utf8', timeout: 60_000, env });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, file };
  };

  it('resolves the libraries by their @roster-ledger names and compiles decorators with their metadata, as Nest needs', () => {
    const result = run(
      'decorated.ts',
      [
        "import { roleOfUserEvent } from '@roster-ledger/domain';",
        '// what reflect-metadata does, kept here: the file runs outside the project, where packages are not found',
        'const seen = new Map<string, unknown>();',
        "Object.assign(Reflect, { metadata: (key: string, value: unknown) => () => void seen.set(key, value) });",
        'const noted = (): ClassDecorator => () => undefined;',
        'class Clock {}',
        '@noted()',
        'class Service {',
        '  constructor(readonly clock: Clock) {}',
        '}',
        "console.log(typeof roleOfUserEvent, (seen.get('design:paramtypes') as unknown[])[0] === Clock, typeof Service);",
      ].join('\n'),
    );
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('function true function');
  });

  it('runs a changed source as it is now, not as it was compiled before', () => {
    expect(run('changing.ts', "const said: string = 'before';\nconsole.log(said);\n").stdout.trim()).toBe('before');
    expect(run('changing.ts', "const said: string = 'after';\nconsole.log(said);\n").stdout.trim()).toBe('after');
  });

  it('keeps only the latest compile of a changed source, where LEDGER_COMPILE_CACHE says', () => {
    const cache = join(folder, 'compiled');
    const env = { ...process.env, LEDGER_COMPILE_CACHE: cache };
    expect(run('kept.ts', "console.log('one' as string);\n", env).stdout.trim()).toBe('one');
    const first = readdirSync(cache);
    expect(first).toHaveLength(1);
    expect(run('kept.ts', "console.log('two' as string);\n", env).stdout.trim()).toBe('two');
    const second = readdirSync(cache);
    expect(second).toHaveLength(1);
    expect(second).not.toEqual(first);
    // unchanged, it is read from the cache, not compiled and written again
    const written = statSync(join(cache, second[0]!)).ino;
    expect(run('kept.ts', "console.log('two' as string);\n", env).stdout.trim()).toBe('two');
    expect(readdirSync(cache)).toEqual(second);
    expect(statSync(join(cache, second[0]!)).ino).toBe(written);
  });

  it('removes the partial files of compiles a killed process left, once they are old, and no younger one', () => {
    const cache = join(folder, 'compiled-partials');
    const env = { ...process.env, LEDGER_COMPILE_CACHE: cache };
    expect(run('partial.ts', "console.log('one' as string);\n", env).stdout.trim()).toBe('one');
    const [compile] = readdirSync(cache);
    const old = join(cache, `${compile}.4242.k3j5h`);
    const young = join(cache, `${compile}.4343.a1b2c`);
    writeFileSync(old, 'half a comp');
    writeFileSync(young, 'being writ');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(old, hourAgo, hourAgo);
    // the next compile of a process lists the cache once, and removes what is left over
    expect(run('partial.ts', "console.log('two' as string);\n", env).stdout.trim()).toBe('two');
    const left = readdirSync(cache);
    expect(left).toHaveLength(2);
    expect(left).toContain(basename(young));
    expect(left).not.toContain(basename(old));
    expect(left).not.toContain(compile);
  });

  it('runs what it cannot keep compiled: a cache folder that cannot be made', () => {
    const file = join(folder, 'a-file');
    writeFileSync(file, 'not a folder');
    const result = run('uncached.ts', "console.log('ran' as string);\n", { ...process.env, LEDGER_COMPILE_CACHE: join(file, 'compiled') });
    expect({ status: result.status, stdout: result.stdout.trim(), stderr: result.stderr }).toEqual({ status: 0, stdout: 'ran', stderr: '' });
  });

  it("points an error's stack at the line of the TypeScript source", () => {
    const result = run('failing.ts', ['type Reason = string;', '', "const why: Reason = 'no';", 'throw new Error(why);', ''].join('\n'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${result.file}:4:7`);
  });
});
