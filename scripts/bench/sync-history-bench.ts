import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { LedgerConfig } from '@roster-ledger/config';
import { SqliteEventStore } from '@roster-ledger/event-store';
import { CatchUpProjectionsCommand, SyncHistory, type StreamAppend } from '@roster-ledger/ledger';
import { LedgerRuntimeModule } from '../../apps/cli/src/ledger-runtime.module';

const INTERVAL_MS = 30_000;

/**
 * `npm run bench -- sync-history [--syncs N]`: what a sync asks of the list of syncs (the held
 * sync of its district, the syncs still running, the district's last completed sync, the
 * report's recent syncs) on a ledger of N syncs (default 100,000: a district synced from Clever's
 * events every 30 seconds for five weeks), in a process of its own as each sync is: with the syncs
 * read model caught up (as each sync's own catch-up leaves it), with one more sync recorded past
 * it, and with the read model never built (the whole sync category folded: what each sync paid
 * before the read model was asked).
 */
export async function syncHistoryBench(argv: string[]): Promise<void> {
  const at = argv.indexOf('--syncs');
  const syncs = at >= 0 ? Number(argv[at + 1]) : 100_000;
  if (!Number.isInteger(syncs) || syncs < 1) throw new Error(`--syncs must be a whole number of syncs, got "${argv[at + 1] ?? ''}"`);
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-sync-history-'));
  const path = join(dir, 'ledger.db');
  const writer = SqliteEventStore.open(path);
  const runtime = async () => {
    const app = await NestFactory.createApplicationContext(LedgerRuntimeModule.forRoot(LedgerConfig.load({ LEDGER_CONFIG: '' }, { db: path })), { logger: false });
    return { app, history: app.get(SyncHistory), commands: app.get(CommandBus) };
  };
  try {
    const started = Date.now();
    let batch: StreamAppend[] = [];
    for (let i = 0; i < syncs; i++) {
      batch.push(eventsSync(i));
      if (batch.length === 5_000) (await writer.appendToStreams(batch), (batch = []));
    }
    if (batch.length > 0) await writer.appendToStreams(batch);
    process.stderr.write(`${syncs.toLocaleString('en-US')} syncs recorded in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    process.stdout.write(`sync history, ${syncs.toLocaleString('en-US')} syncs of one district, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}\n`);

    const timed = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
      const t0 = process.hrtime.bigint();
      const value = await work();
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      process.stdout.write(`${what}: ${ms.toFixed(1)} ms\n`);
      return value;
    };
    /** What one sync asks, as its process's first questions. */
    const aSyncsQuestions = async (history: SyncHistory) => {
      await history.list({ statuses: ['running'] });
      await history.heldOf('d1');
      await history.list({ districtId: 'd1', statuses: ['completed'], limit: 1 });
      await history.list({ districtId: 'd1', source: 'clever-events', statuses: ['completed'], limit: 1 });
      await history.list({ districtId: 'd1', limit: 5 });
    };

    const never = await runtime();
    await timed("a sync's five questions, the read model never built (the whole sync category read once, by the first)", () => aSyncsQuestions(never.history));
    await timed('the read model built (once, by the next catch-up)', () => never.commands.execute(new CatchUpProjectionsCommand()));
    await never.app.close();

    const caughtUp = await runtime();
    await timed("a sync's five questions in a new process, the read model caught up", () => aSyncsQuestions(caughtUp.history));
    await writer.appendToStreams([eventsSync(syncs)]);
    await timed('the same, one more sync recorded past the read model', () => aSyncsQuestions(caughtUp.history));
    await timed('the first page of `syncs list` (50 syncs)', () => caughtUp.history.list({ limit: 51 }));
    await timed('the districts the ledger holds, each with its last sync', () => caughtUp.history.lastOfEachDistrict(['completed', 'held']));
    await caughtUp.app.close();
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
