import { Global, Logger, Module, type DynamicModule } from '@nestjs/common';
import type { LedgerConfig } from '@roster-ledger/config';
import { CleverApiEventsFeed, CleverSourceReader, RateLimiter, type CleverDistrictConnection, type CleverWait } from '@roster-ledger/clever';
import { SqliteLedgerModule } from '@roster-ledger/event-store';
import { SqliteReadModelsModule } from '@roster-ledger/read-models';
import {
  CLEVER_EVENTS_FEED,
  CLOCK,
  GUARD_POLICIES,
  LedgerModule,
  SNAPSHOT_READER,
  systemClock,
  type CleverEventsFeed,
  type GuardPolicies,
  type SnapshotReader,
} from '@roster-ledger/ledger';
import { err } from './output/cli-output';
import { workerThreadFor } from './projection-build/projection-build';
import { cleverWaitNote } from './output/clever-wait-note';

/**
 * Composes the ledger for one process: the application layer, the embedded SQLite store and read
 * models (rebuilds of several on two threads), the Clever source reader (JSON folders, SFTP CSV folders, the Data API) and events feed
 * for the districts the configuration connects, the configured guard policies and the system clock.
 */
@Global()
@Module({})
export class LedgerRuntimeModule {
  /**
   * @param options.server a long-running server: WAL checkpoints run in a thread of their own, off
   *   its requests, and read models far behind fold in small batches, not in bulk on its thread
   * @param options.serverThread a worker thread of a server running one command (a sync): as a
   *   command, except that Clever's waits go to the server's log only, with no note for a terminal
   */
  static forRoot(config: LedgerConfig, options: { server?: boolean; serverThread?: boolean } = {}): DynamicModule {
    const policies: GuardPolicies = { policyFor: (districtId) => config.guardPolicyFor(districtId) };
    const clever = cleverConnections(config, options.server === true || options.serverThread === true);
    // LEDGER_OPEN_TIMEOUT_MS: how long opening the ledger file on start waits for another process that holds it
    const { openTimeoutMs } = config;
    return {
      module: LedgerRuntimeModule,
      imports: [
        SqliteLedgerModule.forRoot(config.dbPath, { openTimeoutMs }),
        SqliteReadModelsModule.forRoot(config.dbPath, {
          backgroundHousekeeping: options.server === true,
          bulkCatchUp: options.server !== true,
          secondThread: workerThreadFor(config.dbPath),
          ledgerOpenTimeoutMs: openTimeoutMs,
        }),
        LedgerModule,
      ],
      providers: [
        { provide: GUARD_POLICIES, useValue: policies },
        { provide: CLOCK, useValue: systemClock },
        { provide: SNAPSHOT_READER, useFactory: (): SnapshotReader => new CleverSourceReader(clever) },
        {
          provide: CLEVER_EVENTS_FEED,
          useFactory: (): CleverEventsFeed => new CleverApiEventsFeed({ ...clever, now: () => systemClock.now().getTime() }),
        },
      ],
      exports: [GUARD_POLICIES, CLOCK, SNAPSHOT_READER, CLEVER_EVENTS_FEED, LedgerModule],
    };
  }
}

/**
 * How the Clever adapters reach each configured district: its token from the variable the
 * configuration names (read at each sync, never kept), its base URL and version, and one rate
 * limiter per district shared by the Data API reader and the events feed (Clever's budget is per
 * token). Waits and retries are logged (URLs carry no secret); a command (not a server, whose log
 * is its voice) also says on stderr, before it starts, any wait long enough to look like a hang.
 */
function cleverConnections(config: LedgerConfig, server: boolean) {
  const logger = new Logger('Clever');
  const limiters = new Map<string, RateLimiter>();
  const connectionFor = (districtId: string): CleverDistrictConnection => {
    const settings = config.districts.get(districtId);
    let rateLimiter = limiters.get(districtId);
    if (rateLimiter === undefined) {
      rateLimiter = new RateLimiter();
      limiters.set(districtId, rateLimiter);
    }
    return {
      ...(settings?.baseUrl ? { baseUrl: settings.baseUrl } : {}),
      ...(settings?.version ? { version: settings.version } : {}),
      ...(settings?.tokenEnv ? { tokenFrom: `the environment variable ${settings.tokenEnv}` } : {}),
      rateLimiter,
    };
  };
  const onWait = (wait: CleverWait) => {
    logger.warn(`${wait.reason === 'retry' ? `retry after ${wait.problem}` : wait.reason}: waiting ${wait.ms} ms before GET ${wait.url}`);
    const note = server ? undefined : cleverWaitNote(wait);
    if (note !== undefined) err(note);
  };
  return { tokenFor: (districtId: string) => config.cleverTokenFor(districtId), connectionFor, onWait };
}
