import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ACCESS_LOG, EVENT_STORE, PROJECTION_CONTROL, READ_MODELS, type EventStore } from '@roster-ledger/ledger';
import { openReadModelDatabase } from './read-model-database';
import { ReadModelFiles } from './read-model-files';
import { SqliteProjectionControl, type SecondThread } from './sqlite-projection-control';
import { SQLITE_PROJECTIONS } from './projections/catalog';
import { SqliteReadModels } from './readers/sqlite-read-models';
import { SqliteAccessLog } from './readers/sqlite-access-log';
import { ReadModelHousekeeper } from './read-model-housekeeper';

const READ_MODEL_FILES = Symbol('READ_MODEL_FILES');

class ReadModelDatabaseCloser implements OnApplicationShutdown {
  constructor(
    private readonly files: ReadModelFiles,
    private readonly accessLog: SqliteAccessLog,
    private readonly housekeeper: ReadModelHousekeeper | null,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.housekeeper?.stop();
    this.accessLog.close();
    this.files.close();
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
  /** A second thread for rebuilds and large catch-ups of several read models (see SecondThread); without it they run on this one. */
  secondThread?: SecondThread;
  /** How long the read side's look into the ledger file on start waits for another connection's lock (default 10 s). */
  ledgerOpenTimeoutMs?: number;
}

/**
 * Binds the read side's ports (PROJECTION_CONTROL, READ_MODELS, ACCESS_LOG) to SQLite: each read
 * model in a file of its own in a folder beside the ledger file (see ReadModelFiles), and the
 * access log in a file of its own beside it. Needs EVENT_STORE bound globally.
 */
@Global()
@Module({})
export class SqliteReadModelsModule {
  static forRoot(path: string, options: SqliteReadModelsOptions = {}): DynamicModule {
    const housekeeper = options.backgroundHousekeeping ? () => new ReadModelHousekeeper(path, undefined, { readModels: !inMemory(path) }) : () => null;
    return {
      module: SqliteReadModelsModule,
      providers: [
        {
          provide: READ_MODEL_FILES,
          useFactory: () =>
            inMemory(path)
              ? ReadModelFiles.single(openReadModelDatabase(':memory:'))
              : ReadModelFiles.beside(
                  path,
                  SQLITE_PROJECTIONS.map((p) => p.name),
                  // in a server the housekeeping thread checkpoints them, off the requests' thread
                  {
                    automaticCheckpoints: !options.backgroundHousekeeping,
                    ...(options.ledgerOpenTimeoutMs === undefined ? {} : { ledgerOpenTimeoutMs: options.ledgerOpenTimeoutMs }),
                  },
                ),
        },
        // after the access log's file is opened (and an older ledger's reads moved into it)
        { provide: ReadModelHousekeeper, useFactory: housekeeper, inject: [READ_MODEL_FILES, SqliteAccessLog] },
        {
          provide: SqliteProjectionControl,
          useFactory: async (files: ReadModelFiles, store: EventStore) => {
            const control = new SqliteProjectionControl(files, store, undefined, undefined, {
              ...(options.bulkCatchUp === false ? { bulkCatchUpFrom: Infinity } : {}),
              ...(options.secondThread ? { secondThread: options.secondThread } : {}),
            });
            // before any query: read-model files left by a ledger file deleted beside them start over
            await control.adoptLog();
            return control;
          },
          inject: [READ_MODEL_FILES, EVENT_STORE],
        },
        { provide: PROJECTION_CONTROL, useExisting: SqliteProjectionControl },
        {
          provide: READ_MODELS,
          useFactory: (files: ReadModelFiles, control: SqliteProjectionControl, store: EventStore) => new SqliteReadModels(files.reader, control, store),
          inject: [READ_MODEL_FILES, SqliteProjectionControl, EVENT_STORE],
        },
        {
          provide: SqliteAccessLog,
          // in a server the access log's commits are the most frequent writes: none may run a checkpoint
          useFactory: () => SqliteAccessLog.open(path, { automaticCheckpoints: !options.backgroundHousekeeping }),
        },
        { provide: ACCESS_LOG, useExisting: SqliteAccessLog },
        {
          provide: ReadModelDatabaseCloser,
          useFactory: (files: ReadModelFiles, accessLog: SqliteAccessLog, housekeeper: ReadModelHousekeeper | null) => new ReadModelDatabaseCloser(files, accessLog, housekeeper),
          inject: [READ_MODEL_FILES, SqliteAccessLog, ReadModelHousekeeper],
        },
      ],
      exports: [PROJECTION_CONTROL, READ_MODELS, ACCESS_LOG, SqliteProjectionControl],
    };
  }
}

const inMemory = (path: string) => path === ':memory:' || path === '';
