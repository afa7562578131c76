import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { RunSyncHandler } from './commands/run-sync.handler';
import { RunEventsSyncHandler } from './commands/run-events-sync.handler';
import { SyncDistrictHandler } from './commands/sync-district.handler';
import { EventsCursors } from './services/events-cursors';
import { ApproveSyncHandler } from './commands/approve-sync.handler';
import { DiscardSyncHandler } from './commands/discard-sync.handler';
import { EndStoppedSyncHandler } from './commands/end-stopped-sync.handler';
import { UnlockSyncHandler } from './commands/unlock-sync.handler';
import { RecordAccessHandler } from './commands/record-access.command';
import { GetSyncHandler } from './queries/get-sync.handler';
import { ListDistrictsHandler } from './queries/list-districts.handler';
import { ListSyncsHandler } from './queries/list-syncs.handler';
import { GetPendingChangesHandler } from './queries/pending-changes.handler';
import { ReadEventsHandler } from './queries/read-events.handler';
import { LedgerStateLoader } from './services/ledger-state.loader';
import { SyncHistory } from './services/sync-history';
import { SyncRecordPorts } from './services/sync-record-ports';
import { SameFiles } from './services/same-files';
import { CatchUpProjectionsHandler, RebuildProjectionsHandler, VerifyProjectionsHandler } from './commands/projection-commands';
import { GetAccessLogHandler } from './queries/get-access-log.handler';
import { GetAccountHandler } from './queries/get-account.handler';
import { GetAuditFeedHandler } from './queries/get-audit-feed.handler';
import { GetClassesAsOfHandler } from './queries/get-classes-as-of.handler';
import { GetProjectionStatusHandler } from './queries/get-projection-status.handler';
import { GetRosterAsOfHandler } from './queries/get-roster-as-of.handler';
import { GetTimelineHandler } from './queries/get-timeline.handler';
import { SearchAccountsHandler } from './queries/search-accounts.handler';
import { SearchClassesHandler } from './queries/search-classes.handler';

/**
 * The application layer: commands and queries on the ledger. It needs the ports bound by an
 * infrastructure module (EVENT_STORE, PENDING_CHANGE_STORE, SYNC_LOCK, SNAPSHOT_READER,
 * CLEVER_EVENTS_FEED, GUARD_POLICIES, CLOCK, READ_MODELS, ACCESS_LOG, PROJECTION_CONTROL,
 * DISTRICT_STATE_STORE, CSV_ID_KEY_STORE), made global by the app that composes them.
 */
@Module({
  imports: [CqrsModule],
  providers: [
    RunSyncHandler,
    RunEventsSyncHandler,
    SyncDistrictHandler,
    ApproveSyncHandler,
    DiscardSyncHandler,
    EndStoppedSyncHandler,
    UnlockSyncHandler,
    RecordAccessHandler,
    ListSyncsHandler,
    ListDistrictsHandler,
    GetSyncHandler,
    ReadEventsHandler,
    CatchUpProjectionsHandler,
    RebuildProjectionsHandler,
    VerifyProjectionsHandler,
    SearchAccountsHandler,
    SearchClassesHandler,
    GetAccountHandler,
    GetTimelineHandler,
    GetPendingChangesHandler,
    GetRosterAsOfHandler,
    GetClassesAsOfHandler,
    GetAuditFeedHandler,
    GetAccessLogHandler,
    GetProjectionStatusHandler,
    LedgerStateLoader,
    SyncHistory,
    SyncRecordPorts,
    SameFiles,
    EventsCursors,
  ],
  exports: [CqrsModule, SyncHistory, EventsCursors],
})
export class LedgerModule {}
