import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { LedgerConfig } from '@roster-ledger/config';
import { SqliteEventStore, SqliteLedgerDatabase } from '@roster-ledger/event-store';
import type { RecordedEvent } from '@roster-ledger/ledger';
import { CLEVER_DEMO_DISTRICT_ID, CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { LedgerRuntimeModule } from '../../apps/cli/src/ledger-runtime.module';
import { testKeysConfig } from './api-client';

export const STAND_IN_TOKEN = 'stand-in-e2e-token-5f2a9c';
export const TOKEN_ENV = 'CLEVER_TOKEN_E2E_DEMO';

/**
 * The configuration a deployment would have for the demo district on the stand-in: the district
 * in LEDGER_DISTRICTS, its token in the variable tokenEnv names, and one API key per role.
 */
export function standInConfig(db: string, baseUrl: string, district: Record<string, unknown> = {}): LedgerConfig {
  return LedgerConfig.load(
    {
      LEDGER_CONFIG: '',
      LEDGER_API_KEYS: testKeysConfig(),
      LEDGER_DISTRICTS: JSON.stringify({ [CLEVER_DEMO_DISTRICT_ID]: { tokenEnv: TOKEN_ENV, baseUrl, ...district } }),
      [TOKEN_ENV]: STAND_IN_TOKEN,
    },
    { db },
  );
}

/** The ledger for one process (no HTTP), as the CLI composes it. */
export async function ledgerRuntime(config: LedgerConfig): Promise<{ app: INestApplicationContext; commands: CommandBus }> {
  const app = await NestFactory.createApplicationContext(LedgerRuntimeModule.forRoot(config), { logger: false });
  return { app, commands: app.get(CommandBus) };
}

/** Every event of a ledger file, read through a connection of its own. */
export async function logOf(dbPath: string): Promise<RecordedEvent[]> {
  const store = new SqliteEventStore(new SqliteLedgerDatabase(dbPath));
  const events: RecordedEvent[] = [];
  for await (const e of store.readAll()) events.push(e);
  await store.close();
  return events;
}

export const isRoster = (e: RecordedEvent) => !e.streamId.startsWith('sync-') && !e.streamId.startsWith('cursor-');

// loosely typed on purpose: specs reach into Clever's nested objects to change them
type Json = Record<string, any>;
/** The demo district's objects as the stand-in serves them (a copy to change). */
export function demoObjects(file: 'users.json' | 'sections.json'): Json[] {
  const body = JSON.parse(readFileSync(join(CLEVER_DEMO_FOLDER, file), 'utf8')) as { data: { data: Json }[] };
  return body.data.map((item) => item.data);
}
