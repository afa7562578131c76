import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ProjectionControl, ProjectionStatus } from '../ports/projections.port';
import { PROJECTION_CONTROL } from '../ports/tokens';
import { GetProjectionStatusQuery } from './read-queries';

@QueryHandler(GetProjectionStatusQuery)
export class GetProjectionStatusHandler implements IQueryHandler<GetProjectionStatusQuery, ProjectionStatus[]> {
  constructor(@Inject(PROJECTION_CONTROL) private readonly control: ProjectionControl) {}
  execute(): Promise<ProjectionStatus[]> {
    return this.control.status();
  }
}
