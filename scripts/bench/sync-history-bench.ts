import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@roster-ledger/event-store';
import { SyncHistory, type StreamAppend } from '@roster-ledger/ledger';

const INTERVAL_MS = 30_000;

/**
 * `npm run bench -- sync-history [--syncs N]`: the list of syncs a sync consults (a held sync
 * waiting, the last files, syncs whose process died) on a ledger of N syncs (default 100,000: a
 * district synced from Clever's events every 30 seconds for five weeks). Times the first list of
 * a process (the whole sync category read: what every list cost before the list was kept, and
 * what each sync still pays once, in its own process or thread), the next (caught up from there),
 * and another process's first list.
 */
export async function syncHistoryBench(argv: string[]): Promise<void> {
  const at = argv.indexOf('--syncs');
  const syncs = at >= 0 ? Number(argv[at + 1]) : 100_000;
  if (!Number.isInteger(syncs) || syncs < 1) throw new Error(`--syncs must be a whole number of syncs, got "${argv[at + 1] ?? ''}"`);
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-sync-history-'));
  const path = join(dir, 'ledger.db');
  const writer = SqliteEventStore.open(path);
  try {
    const started = Date.now();
    let batch: StreamAppend[] = [];
    for (let i = 0; i < syncs; i++) {
      batch.push(eventsSync(i));
      if (batch.length === 5_000) (await writer.appendToStreams(batch), (batch = []));
    }
    if (batch.length > 0) await writer.appendToStreams(batch);
    process.stderr.write(`${syncs.toLocaleString('en-US')} syncs recorded in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

    const reader = SqliteEventStore.open(path);
    const second = SqliteEventStore.open(path);
    const history = new SyncHistory(reader);
    const timed = async (what: string, list: () => Promise<unknown[]>) => {
      const t0 = process.hrtime.bigint();
      const found = (await list()).length;
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      process.stdout.write(`${what}: ${ms.toFixed(1)} ms (${found.toLocaleString('en-US')} syncs)\n`);
    };
    process.stdout.write(`sync history, ${syncs.toLocaleString('en-US')} syncs of one district, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}\n`);
    await timed("a process's first list (the whole category read; every list before it was kept)", () => history.list('d1'));
    await timed('its next list, nothing new', () => history.list('d1'));
    await writer.appendToStreams([eventsSync(syncs)]);
    await timed('its next list, one more sync recorded by another process', () => history.list('d1'));
    await timed('another process (or thread), first list', () => new SyncHistory(second).list('d1'));
    await reader.close();
    await second.close();
  } finally {
    await writer.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One completed events sync that found nothing new, as a 30-second schedule records them. */
function eventsSync(i: number): StreamAppend {
  const syncId = randomUUID();
  const at = new Date(Date.UTC(2026, 0, 1) + i * INTERVAL_MS).toISOString();
  const event = (type: string, data: Record<string, string | number | null | Record<string, never>>) => ({ id: randomUUID(), type, data, metadata: { observedAt: at } });
  return {
    streamId: `sync-${syncId}`,
    expectedRevision: 'no_stream',
    events: [
      event('SyncStarted', { syncId, owner: null, districtId: 'd1', source: 'clever-events', origin: 'https://api.clever.com after event 1', startedAt: at, requestedBy: 'schedule' }),
      event('SyncCompleted', { syncId, districtId: 'd1', counts: {}, appended: 0, completedAt: at, skipped: {}, unresolved: {}, unknownValues: {} }),
    ],
  };
}
