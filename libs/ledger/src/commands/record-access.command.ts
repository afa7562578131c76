import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { recordAccess } from '../access/record-access';
import type { Viewer } from '../access/viewer';
import type { AccessLog } from '../ports/read-models.port';
import type { Clock } from '../ports/clock.port';
import { ACCESS_LOG, CLOCK } from '../ports/tokens';

/**
 * Records in the access log that an answer showed these students' personal data to `viewer`, for
 * answers no query of the read side writes the log for: a sync's findings that name the student of
 * a value outside Clever's lists in a personal field (`student.gender` at record u5), which only
 * the app that shows them knows.
 */
export class RecordAccessCommand {
  constructor(
    readonly viewer: Viewer,
    readonly studentIds: readonly string[],
  ) {}
}

@CommandHandler(RecordAccessCommand)
export class RecordAccessHandler implements ICommandHandler<RecordAccessCommand, void> {
  constructor(@Inject(ACCESS_LOG) private readonly log: AccessLog, @Inject(CLOCK) private readonly clock: Clock) {}

  async execute({ viewer, studentIds }: RecordAccessCommand): Promise<void> {
    await recordAccess(this.log, this.clock, viewer, studentIds);
  }
}
