import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ReadModels } from '../ports/read-models.port';
import type { Clock } from '../ports/clock.port';
import { CLOCK, READ_MODELS } from '../ports/tokens';
import { recordNotFoundIn } from './record-not-found';
import { GetClassesAsOfQuery } from './read-queries';
import type { ClassesAsOfAnswer, ClassMembership } from './read-answers';
import { sinceTheClassWasShared } from './since-the-class-was-shared';

@QueryHandler(GetClassesAsOfQuery)
export class GetClassesAsOfHandler implements IQueryHandler<GetClassesAsOfQuery, ClassesAsOfAnswer> {
  constructor(@Inject(READ_MODELS) private readonly models: ReadModels, @Inject(CLOCK) private readonly clock: Clock) {}
  async execute({ userId, at }: GetClassesAsOfQuery): Promise<ClassesAsOfAnswer> {
    const { memberships, named, then } = await this.models.atOneMoment(async () => {
      if ((await this.models.account(userId)) === null) throw await recordNotFoundIn(this.models, 'user', userId);
      // the person as they stood then: no class then reads otherwise before their first share
      const then = await this.models.accountAsOf(userId, at);
      const memberships = await this.models.classesOfUserAsOf(userId, at);
      // the classes' names in one look-up by id, no class document read
      const named = new Map((await this.models.classNames([...new Set(memberships.map((m) => m.sectionId))])).map((c) => [c.id, c]));
      return { memberships, named, then };
    });
    const classes = memberships.map((m): ClassMembership => {
      const found = named.get(m.sectionId);
      // in the class when the ledger recorded it shared: joined then or before, as a roster says
      const sinceClassShared = found !== undefined && sinceTheClassWasShared(m.sinceSync, found);
      return { ...m, className: found?.name ?? null, status: found?.status ?? 'unknown', sinceClassShared };
    });
    return { userId, at, accountStatus: then?.status ?? 'not yet shared', classes, momentToCome: at > this.clock.now().toISOString() };
  }
}
