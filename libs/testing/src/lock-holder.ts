import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** A process holding a lock file, and the moment it exits. */
export interface LockHolder {
  holder: ChildProcess;
  exited: Promise<unknown>;
}

/**
 * Another process holding `<folder>/<name>.lock` as a process at work does (an empty SQLite
 * database in an exclusive transaction, see LockFiles) until it is killed; resolves once it holds
 * it. The caller kills it.
 */
export async function anotherProcessHolding(folder: string, name: string): Promise<LockHolder> {
  const script = `
    const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    require('node:fs').mkdirSync(${JSON.stringify(folder)}, { recursive: true });
    new Database(${JSON.stringify(join(folder, `${name}.lock`))}).exec('BEGIN EXCLUSIVE');
    process.stdout.write('held');
    setTimeout(() => undefined, 600_000);`;
  const holder = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => holder.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    holder.stdout!.once('data', () => resolve());
    holder.once('exit', (code) => reject(new Error(`the process holding ${name}.lock exited (${code}) before it held it`)));
  });
  return { holder, exited };
}
