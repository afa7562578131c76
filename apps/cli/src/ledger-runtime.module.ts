import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { LedgerConfig } from '@roster-ledger/config';
import { CleverSourceReader } from '@roster-ledger/clever';
import { SqliteLedgerModule } from '@roster-ledger/event-store';
import { SqliteReadModelsModule } from '@roster-ledger/read-models';
import { CLOCK, GUARD_POLICIES, LedgerModule, SNAPSHOT_READER, systemClock, type GuardPolicies } from '@roster-ledger/ledger';

/**
 * Composes the ledger for one process: the application layer, the embedded SQLite store and read
 * models, the Clever source reader (JSON folders, SFTP CSV folders, the Data API), the configured guard policies and the system clock.
 */
@Global()
@Module({})
export class LedgerRuntimeModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    const policies: GuardPolicies = { policyFor: (districtId) => config.guardPolicyFor(districtId) };
    return {
      module: LedgerRuntimeModule,
      imports: [SqliteLedgerModule.forRoot(config.dbPath), SqliteReadModelsModule.forRoot(config.dbPath), LedgerModule],
      providers: [
        { provide: GUARD_POLICIES, useValue: policies },
        { provide: CLOCK, useValue: systemClock },
        { provide: SNAPSHOT_READER, useFactory: () => new CleverSourceReader() },
      ],
      exports: [GUARD_POLICIES, CLOCK, SNAPSHOT_READER, LedgerModule],
    };
  }
}
