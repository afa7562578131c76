import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { LedgerConfig, describeSchedule, nextRunAfter, type SyncSchedule } from '@roster-ledger/config';
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
    for (const scheduled of this.schedules()) {
      this.logger.log(`district ${scheduled.districtId}: ${scheduled.mode} sync ${describeSchedule(scheduled.schedule)}`);
      this.plan(scheduled);
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
      const { syncId, done } = await this.runner.start(districtId, mode, 'schedule');
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
