import 'reflect-metadata';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { keepNewFilesPrivate, LedgerConfig } from '@roster-ledger/config';
import type { SyncSummary } from '@roster-ledger/domain';
import { EVENT_STORE, ReadEventsQuery, RunSyncCommand, type EventStore, type EventsPage } from '@roster-ledger/ledger';
import { CLEVER_DEMO_FOLDER, writeNextDaySnapshot } from '@roster-ledger/testing';
import { LedgerRuntimeModule } from './ledger-runtime.module';
import { describeSync } from './output/sync-report';
import { describeEventData } from './output/event-line';
import { momentBetween } from './output/moment-between';
import { err, EXIT_FAILED, out } from './output/cli-output';
import { demoLedgerInUse } from './demo-ledger-in-use';
import { catchUpAfterSync, readModelsLine, reportReadModelsBehind } from './commands/read-models-after-sync';

/**
 * The demo: records Clever's demo district in a fresh embedded ledger, then a next-day snapshot
 * with a handful of realistic changes, then the next day again, and prints what each sync did.
 */
async function demo(): Promise<void> {
  keepNewFilesPrivate(); // as the CLI does
  const work = resolve('data/demo');
  const inUse = demoLedgerInUse(join(work, 'ledger.db'));
  if (inUse !== null) {
    err(`error: ${inUse}`);
    process.exitCode = EXIT_FAILED;
    return;
  }
  rmSync(work, { recursive: true, force: true });
  const config = LedgerConfig.load({ ...process.env, LEDGER_DB: join(work, 'ledger.db') });
  const app = await NestFactory.createApplicationContext(LedgerRuntimeModule.forRoot(config), { logger: ['error'] });
  const commands = app.get(CommandBus);
  const queries = app.get(QueryBus);
  const sync = async (title: string, folder: string): Promise<SyncSummary> => {
    out(`\n== ${title}\n   roster-ledger import ${folder} --db ${config.dbPath}\n`);
    const started = Date.now();
    const summary = await commands.execute<RunSyncCommand, SyncSummary>(new RunSyncCommand(folder, { requestedBy: 'demo' }));
    out(describeSync(summary, Date.now() - started));
    // as import does: the read models folded, so what follows reads them current (and the access
    // log knows the teachers on day 2's events are not students)
    const folded = await catchUpAfterSync(commands);
    const line = readModelsLine(folded);
    if (line !== null) out(line);
    if (folded.behind !== null) reportReadModelsBehind(folded.behind, false);
    return summary;
  };

  const day1 = await sync('Day 1: Clever demo district, first import', CLEVER_DEMO_FOLDER);

  const nextDay = join(work, 'next-day');
  const changes = writeNextDaySnapshot(CLEVER_DEMO_FOLDER, nextDay);
  // day 2's events alone are read: a read of the whole log would be in the access log as a read
  // of every student's data, though only day 2's are shown
  const day1End = await app.get<EventStore>(EVENT_STORE).headPosition();
  const day2 = await sync('Day 2: the next-day snapshot', nextDay);
  out('\n   What changed, event by event:');
  const events = await queries.execute<ReadEventsQuery, EventsPage>(new ReadEventsQuery({ name: 'demo', role: 'admin', via: 'demo' }, { from: day1End, limit: 1_000_000 }));
  for (const e of events.items.filter((x) => x.metadata['syncId'] === day2.syncId && !x.streamId.startsWith('sync-'))) {
    out(`   ${e.type.padEnd(22)} ${e.streamId.padEnd(32)} ${describeEventData(e)}`);
  }
  out(`\n   (the snapshot was made with: ${JSON.stringify(changes)})`);

  await sync('Day 2 again: the same snapshot re-imported', nextDay);
  const db = `--db ${config.dbPath}`;
  // the two days are a second apart: only a timestamp between them shows the class before day 2
  const joined = changes.moved.toSection;
  out(`\nThe ledger is ${config.dbPath}. Try:\n  npm run roster-ledger -- syncs list ${db}\n  npm run roster-ledger -- events --stream user-${changes.gradeChanged.student} ${db}`);
  out(`A class two students joined on day 2, before and after:`);
  out(`  npm run roster-ledger -- roster ${joined} --as-of ${momentBetween(day1, day2)} ${db}`);
  out(`  npm run roster-ledger -- roster ${joined} ${db}`);
  await app.close();
  if (!existsSync(config.dbPath)) throw new Error('the demo ledger was not written');
}

void demo();
