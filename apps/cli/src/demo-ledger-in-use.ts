import { existsSync } from 'node:fs';
import { EventStoreBusy } from '@roster-ledger/ledger';
import { SqliteLedgerDatabase } from '@roster-ledger/event-store';
import { processesHolding } from './processes-holding-file';

/**
 * Why the demo must not delete and recreate its ledger now, or null when it may: another process
 * has the file open (a `roster-ledger serve` on it, a command still running). Deleting the file
 * under it would leave a server answering from a deleted file and losing what it writes
 * meanwhile (its access log). Asked of SQLite itself (see SqliteLedgerDatabase.openElsewhere),
 * so any process counts, whatever it is; /proc only names it. A process that opens the file
 * after this answer is not seen: the demo is a newcomer's tool, not a lock.
 */
export function demoLedgerInUse(path: string): string | null {
  if (!existsSync(path)) return null;
  let openElsewhere: boolean;
  try {
    const database = new SqliteLedgerDatabase(path, { busyTimeoutMs: 1_000 });
    try {
      openElsewhere = database.openElsewhere();
    } finally {
      database.close();
    }
  } catch (error) {
    // a file locked for longer than the wait is in use (a large import's append); any other
    // failure (not a ledger, a broken file) is the demo's to replace
    if (!(error instanceof EventStoreBusy)) return null;
    openElsewhere = true;
  }
  if (!openElsewhere) return null;
  const holders = processesHolding(path);
  const who = holders.length === 0 ? 'another process (a roster-ledger serve, or a command still running on it)' : holders.map((h) => `process ${h.pid} (${h.command})`).join(', ');
  const stop = holders.length === 0 ? 'Stop it' : `Stop it (Ctrl-C in its terminal, or kill ${holders.map((h) => h.pid).join(' ')})`;
  return `the demo ledger ${path} is open in ${who}, and the demo starts by deleting it. ${stop}, then run the demo again.`;
}
