import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CleverTokenMissing, LedgerConfig, describeSchedule, nextRunAfter, type SyncSchedule } from '@roster-ledger/config';
import { DomainError } from '@roster-ledger/domain';
import type { SyncMode } from '@roster-ledger/ledger';
import { DistrictSyncRunner } from './district-sync-runner';

/** Whether this process runs the configured sync schedules (`serve`), or leaves them to another. */
export const SYNC_SCHEDULES = Symbol('SYNC_SCHEDULES');

/** One configured schedule: a district, a mode, and when. */
export interface ScheduledSync {
  districtId: string;
  mode: SyncMode;
  schedule: SyncSchedule;
}

/**
 * Runs each district's configured schedules (`schedule.events`, `schedule.full`) through the
 * {@link DistrictSyncRunner}. Each schedule plans its next run when the previous one has ended, so
 * a slow sync is never overtaken by its own schedule; a run that meets another sync of the
 * district (the other schedule, an API request, another process) is skipped and logged. Nothing a
 * sync does can stop the schedule or the process. Stops planning when the application shuts down.
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SyncScheduler');
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    @Inject(SYNC_SCHEDULES) private readonly enabled: boolean,
    private readonly config: LedgerConfig,
    private readonly runner: DistrictSyncRunner,
  ) {}

  /** Every configured schedule, in configuration order (full before events within a district). */
  schedules(): ScheduledSync[] {
    const all: ScheduledSync[] = [];
    for (const district of this.config.districts.values()) {
      for (const mode of ['full', 'events'] as const) {
        const schedule = district.schedule[mode];
        if (schedule) all.push({ districtId: district.districtId, mode, schedule });
      }
    }
    return all;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    const scheduled = this.schedules();
    for (const each of scheduled) {
      this.logger.log(`district ${each.districtId}: ${each.mode} sync ${describeSchedule(each.schedule)}`);
      this.plan(each);
    }
    // said now, not first at the first run (which may be tonight): every run would fail the same way
    for (const districtId of new Set(scheduled.map((each) => each.districtId))) {
      try {
        this.config.cleverTokenFor(districtId);
      } catch (error) {
        if (!(error instanceof CleverTokenMissing)) throw error;
        this.logger.warn(`district ${districtId}: its scheduled syncs will fail until its token is there: ${error.message}, then restart serve`);
      }
    }
  }

  /** Runs first on shutdown (before the runner waits for running syncs), so nothing new starts. */
  onModuleDestroy(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private plan(scheduled: ScheduledSync): void {
    if (this.stopped) return;
    const now = new Date();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.run(scheduled).finally(() => this.plan(scheduled));
    }, nextRunAfter(scheduled.schedule, now).getTime() - now.getTime());
    this.timers.add(timer);
  }

  /** One run; never throws. */
  private async run({ districtId, mode }: ScheduledSync): Promise<void> {
    if (this.stopped) return;
    try {
      const { syncId, done } = await this.runner.start(districtId, mode, 'schedule', 'schedule');
      this.logger.log(`scheduled ${mode} sync ${syncId} of district ${districtId} started`);
      await done;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // by code: a refusal from the sync's thread is not an instance of the ledger's class
      const code = error instanceof DomainError ? error.code : null;
      if (code === 'SYNC_ALREADY_RUNNING') this.logger.log(`scheduled ${mode} sync of district ${districtId} skipped: ${message}`);
      else if (code === 'HELD_SYNC_PENDING') this.logger.warn(`scheduled ${mode} sync of district ${districtId} skipped: ${message}`);
      else if (error instanceof DomainError) this.logger.error(`scheduled ${mode} sync of district ${districtId} not started (${error.code}): ${message}`);
      else this.logger.error(`scheduled ${mode} sync of district ${districtId} not started: ${error instanceof Error ? (error.stack ?? message) : message}`);
    }
  }
}
