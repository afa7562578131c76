import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { RunSyncHandler } from './commands/run-sync.handler';
import { ApproveSyncHandler } from './commands/approve-sync.handler';
import { DiscardSyncHandler } from './commands/discard-sync.handler';
import { GetSyncHandler, ListSyncsHandler } from './queries/sync-queries.handler';
import { ReadEventsHandler } from './queries/read-events.handler';
import { LedgerStateLoader } from './services/ledger-state.loader';
import { SyncHistory } from './services/sync-history';

/**
 * The application layer: commands and queries on the ledger. It needs the ports bound by an
 * infrastructure module (EVENT_STORE, PENDING_CHANGE_STORE, SYNC_LOCK, SNAPSHOT_READER,
 * GUARD_POLICIES, CLOCK), made global by the app that composes them.
 */
@Module({
  imports: [CqrsModule],
  providers: [
    RunSyncHandler,
    ApproveSyncHandler,
    DiscardSyncHandler,
    ListSyncsHandler,
    GetSyncHandler,
    ReadEventsHandler,
    LedgerStateLoader,
    SyncHistory,
  ],
  exports: [CqrsModule, SyncHistory],
})
export class LedgerModule {}
