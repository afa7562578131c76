/** Adapters of the ledger's event store and pending change store ports. */
export { SqliteLedgerDatabase, type SqliteLedgerDatabaseOptions } from './sqlite/sqlite-database';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export { SqlitePendingChangeStore } from './sqlite/sqlite-pending-change-store';
export { stagedSetFolder, stagedSetsBeside } from './sqlite/staged-set-files';
export { backupSqliteLedger, copySqliteFile, type LedgerBackup } from './sqlite/sqlite-ledger-backup';
export { BackupNotWritten } from './sqlite/backup-not-written';
export { sqliteTableNames } from './sqlite/sqlite-table-names';
export { SqliteSyncLock } from './sqlite/sqlite-sync-lock';
export { SqliteLedgerModule } from './sqlite/sqlite-ledger.module';
export { SqliteDistrictStateStore } from './sqlite/sqlite-district-state-store';
export { sectionSummaryOf } from './sqlite/saved-section-summary';
export { userSummaryOf } from './sqlite/saved-user-summary';
export { SqliteLogSeals } from './sqlite/log-seals';
