import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { LedgerConfig } from '@roster-ledger/config';
import { LedgerRuntimeModule } from '../../cli/src/ledger-runtime.module';
import { AccessLogController } from './access-log/access-log.controller';
import { LogController } from './log/log.controller';
import { AccountsController } from './accounts/accounts.controller';
import { AuditController } from './audit/audit.controller';
import { AuditExporter } from './audit/audit-exporter';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeyRegistry } from './auth/api-key-registry';
import { ClassesController } from './classes/classes.controller';
import { DistrictSyncRunner } from './district-syncs/district-sync-runner';
import { DistrictSyncsController } from './district-syncs/district-syncs.controller';
import { SYNC_SCHEDULES, SyncScheduler } from './district-syncs/sync-scheduler';
import { ProblemDetailsFilter } from './errors/problem-details.filter';
import { HealthController } from './health/health.controller';
import { ApiIndexController } from './index/api-index.controller';
import { LIVE_PROJECTIONS, LiveProjections } from './projections/live-projections';
import { ProjectionJobs } from './projections/projection-jobs';
import { ProjectionsController } from './projections/projections.controller';
import { RecordTimelinesController } from './record-timelines/record-timelines.controller';
import { SyncsController } from './syncs/syncs.controller';
import { createValidationPipe } from './validation/validation.pipe';
import { UndeclaredParametersInterceptor } from './validation/undeclared-parameters.interceptor';

export interface ApiModuleOptions {
  /**
   * Run the live projection runner in this process, so the read models follow the log (what
   * `serve` does). Off by default: a test drives catch-up itself, and another process may run it.
   */
  liveProjections?: boolean;
  /**
   * Run the districts' configured sync schedules in this process (what `serve` does). Off by
   * default: a test starts syncs itself, and one process per ledger should run the schedules.
   */
  schedules?: boolean;
}

/**
 * The HTTP edge: controllers by use case over the ledger's CommandBus and QueryBus, with the API
 * key guard, the validation pipe and the problem-details filter applied to every route.
 */
@Module({})
export class ApiModule {
  static forRoot(config: LedgerConfig, options: ApiModuleOptions = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [LedgerRuntimeModule.forRoot(config, { server: true })],
      controllers: [
        AccountsController,
        ClassesController,
        RecordTimelinesController,
        AuditController,
        SyncsController,
        DistrictSyncsController,
        ProjectionsController,
        AccessLogController,
        LogController,
        HealthController,
        ApiIndexController,
      ],
      providers: [
        { provide: LedgerConfig, useValue: config },
        { provide: ApiKeyRegistry, useValue: new ApiKeyRegistry(config.apiKeys) },
        { provide: LIVE_PROJECTIONS, useValue: options.liveProjections ?? false },
        LiveProjections,
        { provide: SYNC_SCHEDULES, useValue: options.schedules ?? false },
        DistrictSyncRunner,
        SyncScheduler,
        ProjectionJobs,
        AuditExporter,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_INTERCEPTOR, useClass: UndeclaredParametersInterceptor },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
