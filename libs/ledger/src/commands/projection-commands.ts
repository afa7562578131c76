import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CatchUpResult, ProjectionControl, ProjectionProgress, RebuildResult, VerifyResult } from '../ports/projections.port';
import { PROJECTION_CONTROL } from '../ports/tokens';

type OnProgress = (p: ProjectionProgress) => void;

/** Fold every event not yet folded into the live read models. */
export class CatchUpProjectionsCommand {
  constructor(readonly onProgress?: OnProgress) {}
}

/** Rebuild projections (all when `names` is empty) beside the live ones, then swap them in. */
export class RebuildProjectionsCommand {
  constructor(
    readonly names: string[],
    readonly options: { dryRun?: boolean; onProgress?: OnProgress } = {},
  ) {}
}

/** Compare each live read model with one rebuilt from the log (all when `names` is empty). */
export class VerifyProjectionsCommand {
  constructor(
    readonly names: string[],
    readonly onProgress?: OnProgress,
  ) {}
}

@CommandHandler(CatchUpProjectionsCommand)
export class CatchUpProjectionsHandler implements ICommandHandler<CatchUpProjectionsCommand, CatchUpResult> {
  constructor(@Inject(PROJECTION_CONTROL) private readonly control: ProjectionControl) {}
  async execute({ onProgress }: CatchUpProjectionsCommand): Promise<CatchUpResult> {
    const folded = await this.control.catchUp(onProgress);
    return { folded, foldedElsewhere: this.control.foldedElsewhere(), rebuilt: this.control.rebuiltInBulk() };
  }
}

@CommandHandler(RebuildProjectionsCommand)
export class RebuildProjectionsHandler implements ICommandHandler<RebuildProjectionsCommand, RebuildResult> {
  constructor(@Inject(PROJECTION_CONTROL) private readonly control: ProjectionControl) {}
  execute({ names, options }: RebuildProjectionsCommand): Promise<RebuildResult> {
    return this.control.rebuild(names.length > 0 ? names : this.control.names(), options);
  }
}

@CommandHandler(VerifyProjectionsCommand)
export class VerifyProjectionsHandler implements ICommandHandler<VerifyProjectionsCommand, VerifyResult[]> {
  constructor(@Inject(PROJECTION_CONTROL) private readonly control: ProjectionControl) {}
  execute({ names, onProgress }: VerifyProjectionsCommand): Promise<VerifyResult[]> {
    return this.control.verify(names.length > 0 ? names : this.control.names(), onProgress);
  }
}
