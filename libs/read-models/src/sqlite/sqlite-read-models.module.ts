import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ACCESS_LOG, EVENT_STORE, PROJECTION_CONTROL, READ_MODELS, type EventStore } from '@roster-ledger/ledger';
import { openReadModelDatabase, type Db } from './read-model-database';
import { SqliteProjectionControl } from './sqlite-projection-control';
import { SqliteReadModels } from './readers/sqlite-read-models';
import { SqliteAccessLog } from './readers/sqlite-access-log';

const READ_MODEL_DB = Symbol('READ_MODEL_DB');

class ReadModelDatabaseCloser implements OnApplicationShutdown {
  constructor(private readonly db: Db) {}
  onApplicationShutdown(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * Binds the read side's ports (PROJECTION_CONTROL, READ_MODELS, ACCESS_LOG) to SQLite tables in
 * the ledger file, on a connection of their own. Needs EVENT_STORE bound globally.
 */
@Global()
@Module({})
export class SqliteReadModelsModule {
  static forRoot(path: string): DynamicModule {
    return {
      module: SqliteReadModelsModule,
      providers: [
        { provide: READ_MODEL_DB, useFactory: () => openReadModelDatabase(path) },
        { provide: SqliteProjectionControl, useFactory: (db: Db, store: EventStore) => new SqliteProjectionControl(db, store), inject: [READ_MODEL_DB, EVENT_STORE] },
        { provide: PROJECTION_CONTROL, useExisting: SqliteProjectionControl },
        {
          provide: READ_MODELS,
          useFactory: (db: Db, control: SqliteProjectionControl) => new SqliteReadModels(db, (name) => control.liveVersion(name)),
          inject: [READ_MODEL_DB, SqliteProjectionControl],
        },
        { provide: ACCESS_LOG, useFactory: (db: Db) => new SqliteAccessLog(db), inject: [READ_MODEL_DB] },
        { provide: ReadModelDatabaseCloser, useFactory: (db: Db) => new ReadModelDatabaseCloser(db), inject: [READ_MODEL_DB] },
      ],
      exports: [PROJECTION_CONTROL, READ_MODELS, ACCESS_LOG, SqliteProjectionControl],
    };
  }
}
