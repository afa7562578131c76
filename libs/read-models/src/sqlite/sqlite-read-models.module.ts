import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ACCESS_LOG, EVENT_STORE, PROJECTION_CONTROL, READ_MODELS, type EventStore } from '@roster-ledger/ledger';
import { openReadModelDatabase, type Db } from './read-model-database';
import { SqliteProjectionControl } from './sqlite-projection-control';
import { SqliteReadModels } from './readers/sqlite-read-models';
import { SqliteAccessLog } from './readers/sqlite-access-log';
import { ReadModelHousekeeper } from './read-model-housekeeper';

const READ_MODEL_DB = Symbol('READ_MODEL_DB');

class ReadModelDatabaseCloser implements OnApplicationShutdown {
  constructor(
    private readonly db: Db,
    private readonly accessLog: SqliteAccessLog,
    private readonly housekeeper: ReadModelHousekeeper | null,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.housekeeper?.stop();
    this.accessLog.close();
    if (this.db.open) this.db.close();
  }
}

export interface SqliteReadModelsOptions {
  /**
   * Checkpoint the WAL and index the access log by student in a thread of its own, instead of
   * inside commits of this connection: for a long-running server, whose requests then never wait
   * for either.
   */
  backgroundHousekeeping?: boolean;
  /**
   * Let a read model far behind catch up by a bulk rebuild and a swap (default true). A server
   * turns it off: a bulk load runs large transactions and builds whole indexes on the thread that
   * answers requests, so the server folds in small batches instead (its explicit rebuilds run in
   * a worker thread).
   */
  bulkCatchUp?: boolean;
}

/**
 * Binds the read side's ports (PROJECTION_CONTROL, READ_MODELS, ACCESS_LOG) to SQLite tables in
 * the ledger file, on a connection of their own, and the access log to a file of its own beside
 * it. Needs EVENT_STORE bound globally.
 */
@Global()
@Module({})
export class SqliteReadModelsModule {
  static forRoot(path: string, options: SqliteReadModelsOptions = {}): DynamicModule {
    const housekeeper = options.backgroundHousekeeping ? () => new ReadModelHousekeeper(path) : () => null;
    return {
      module: SqliteReadModelsModule,
      providers: [
        {
          provide: READ_MODEL_DB,
          useFactory: () => {
            const db = openReadModelDatabase(path);
            if (options.backgroundHousekeeping) db.pragma('wal_autocheckpoint = 0');
            return db;
          },
        },
        // after the access log's file is opened (and an older ledger's reads moved into it)
        { provide: ReadModelHousekeeper, useFactory: housekeeper, inject: [READ_MODEL_DB, SqliteAccessLog] },
        {
          provide: SqliteProjectionControl,
          useFactory: (db: Db, store: EventStore) =>
            new SqliteProjectionControl(db, store, undefined, undefined, options.bulkCatchUp === false ? { bulkCatchUpFrom: Infinity } : {}),
          inject: [READ_MODEL_DB, EVENT_STORE],
        },
        { provide: PROJECTION_CONTROL, useExisting: SqliteProjectionControl },
        {
          provide: READ_MODELS,
          useFactory: (db: Db, control: SqliteProjectionControl, store: EventStore) => new SqliteReadModels(db, control, store),
          inject: [READ_MODEL_DB, SqliteProjectionControl, EVENT_STORE],
        },
        {
          provide: SqliteAccessLog,
          // in a server the access log's commits are the most frequent writes: none may run a checkpoint
          useFactory: () => SqliteAccessLog.open(path, { automaticCheckpoints: !options.backgroundHousekeeping }),
        },
        { provide: ACCESS_LOG, useExisting: SqliteAccessLog },
        {
          provide: ReadModelDatabaseCloser,
          useFactory: (db: Db, accessLog: SqliteAccessLog, housekeeper: ReadModelHousekeeper | null) => new ReadModelDatabaseCloser(db, accessLog, housekeeper),
          inject: [READ_MODEL_DB, SqliteAccessLog, ReadModelHousekeeper],
        },
      ],
      exports: [PROJECTION_CONTROL, READ_MODELS, ACCESS_LOG, SqliteProjectionControl],
    };
  }
}
