import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SqliteEventStore, SqliteLedgerDatabase } from '@roster-ledger/event-store';
import type { RecordedEvent } from '@roster-ledger/ledger';
import { CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';

export const BIN = resolve(__dirname, '../../bin/roster-ledger');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `roster-ledger` CLI in a child process, as a user would. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LEDGER_CONFIG: '', ...env },
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the CLI with `--json` and parses its one JSON document. */
export function cliJson<T = Record<string, unknown>>(args: string[], env?: NodeJS.ProcessEnv): { status: number | null; body: T; stderr: string } {
  const result = cli([...args, '--json'], env);
  let body: T;
  try {
    body = JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not one JSON document (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return { status: result.status, body, stderr: result.stderr };
}

/** A scratch folder for one spec file, removed at the end. */
export function scratch(name: string): { dir: string; path: (...p: string[]) => string; demoCopy: (as: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `roster-ledger-${name}-`));
  return {
    dir,
    path: (...p) => join(dir, ...p),
    demoCopy: (as) => {
      const to = join(dir, as);
      cpSync(CLEVER_DEMO_FOLDER, to, { recursive: true });
      return to;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every event of a ledger file, read through the store's own adapter. */
export async function readLog(dbPath: string): Promise<RecordedEvent[]> {
  const database = new SqliteLedgerDatabase(dbPath);
  const store = new SqliteEventStore(database);
  const events: RecordedEvent[] = [];
  for await (const e of store.readAll()) events.push(e);
  await store.close();
  return events;
}

/** The roster events of a log (everything but the sync streams). */
export const rosterEvents = (log: RecordedEvent[]) => log.filter((e) => !e.streamId.startsWith('sync-'));
