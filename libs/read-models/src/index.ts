export { SqliteProjectionControl, ProjectionFailed } from './sqlite/sqlite-projection-control';
export { SqliteReadModels } from './sqlite/readers/sqlite-read-models';
export { SqliteAccessLog } from './sqlite/readers/sqlite-access-log';
export { SqliteReadModelsModule } from './sqlite/sqlite-read-models.module';
export { openReadModelDatabase } from './sqlite/read-model-database';
export { SQLITE_PROJECTIONS } from './sqlite/projections/catalog';
export type { SqliteProjection, ProjectionWriter } from './sqlite/sqlite-projection';
export { evolveAccount, type Account } from './model/account';
export { evolveClass, type ClassView } from './model/class';
