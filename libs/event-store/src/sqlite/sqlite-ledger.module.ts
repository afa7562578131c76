import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { CSV_ID_KEY_STORE, DISTRICT_STATE_STORE, EVENT_STORE, LOG_SEALS, PENDING_CHANGE_STORE, SYNC_LOCK } from '@roster-ledger/ledger';
import { SqliteCsvIdKeys } from './sqlite-csv-id-keys';
import { SqliteLogSeals } from './log-seals';
import { SqliteLedgerDatabase, type SqliteLedgerDatabaseOptions } from './sqlite-database';
import { SqliteDistrictStateStore } from './sqlite-district-state-store';
import { SqliteEventStore } from './sqlite-event-store';
import { SqlitePendingChangeStore } from './sqlite-pending-change-store';
import { SqliteSyncLock } from './sqlite-sync-lock';

/** Closes the ledger file, and lets go of the districts' lock files, when the Nest application shuts down. */
class SqliteLedgerCloser implements OnApplicationShutdown {
  constructor(
    private readonly database: SqliteLedgerDatabase,
    private readonly lock: SqliteSyncLock,
  ) {}
  onApplicationShutdown(): void {
    this.lock.close();
    this.database.close();
  }
}

/**
 * Binds the ledger's storage ports (EVENT_STORE, PENDING_CHANGE_STORE, DISTRICT_STATE_STORE, SYNC_LOCK, LOG_SEALS,
 * CSV_ID_KEY_STORE) to one embedded
 * SQLite file, for the whole application.
 */
@Global()
@Module({})
export class SqliteLedgerModule {
  static forRoot(path: string, options: SqliteLedgerDatabaseOptions = {}): DynamicModule {
    return {
      module: SqliteLedgerModule,
      providers: [
        { provide: SqliteLedgerDatabase, useFactory: () => new SqliteLedgerDatabase(path, options) },
        { provide: EVENT_STORE, useFactory: (db: SqliteLedgerDatabase) => new SqliteEventStore(db), inject: [SqliteLedgerDatabase] },
        { provide: PENDING_CHANGE_STORE, useFactory: (db: SqliteLedgerDatabase) => new SqlitePendingChangeStore(db), inject: [SqliteLedgerDatabase] },
        { provide: DISTRICT_STATE_STORE, useFactory: (db: SqliteLedgerDatabase) => new SqliteDistrictStateStore(db), inject: [SqliteLedgerDatabase] },
        { provide: SYNC_LOCK, useFactory: (db: SqliteLedgerDatabase) => new SqliteSyncLock(db), inject: [SqliteLedgerDatabase] },
        { provide: LOG_SEALS, useFactory: (db: SqliteLedgerDatabase) => new SqliteLogSeals(db.db), inject: [SqliteLedgerDatabase] },
        { provide: CSV_ID_KEY_STORE, useFactory: (db: SqliteLedgerDatabase) => new SqliteCsvIdKeys(db), inject: [SqliteLedgerDatabase] },
        { provide: SqliteLedgerCloser, useFactory: (db: SqliteLedgerDatabase, lock: SqliteSyncLock) => new SqliteLedgerCloser(db, lock), inject: [SqliteLedgerDatabase, SYNC_LOCK] },
      ],
      exports: [EVENT_STORE, PENDING_CHANGE_STORE, DISTRICT_STATE_STORE, SYNC_LOCK, LOG_SEALS, CSV_ID_KEY_STORE],
    };
  }
}
