import { ApiProperty } from '@nestjs/swagger';
import type { ProjectionProgress } from '@roster-ledger/ledger';
import { NULL_ONLY } from '../openapi/nullable-refs';
import type { ProjectionJob, ProjectionJobKind } from './projection-job';

class ProgressSchema implements ProjectionProgress {
  @ApiProperty({ type: [String] }) projections!: string[];
  @ApiProperty() position!: number;
  @ApiProperty() head!: number;
  @ApiProperty() eventsPerSecond!: number;
  @ApiProperty({ type: Number, nullable: true }) etaSeconds!: number | null;
}

class JobErrorSchema {
  @ApiProperty({ example: 'PROJECTION_FAILED' }) code!: string;
  @ApiProperty() message!: string;
}

/** A rebuild or verification running in the background. */
export class ProjectionJobSchema implements ProjectionJob {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['rebuild', 'verify'] }) kind!: ProjectionJobKind;
  @ApiProperty({ type: [String], description: 'the projections the job works on: those asked for, or every one' }) projections!: string[];
  @ApiProperty() dryRun!: boolean;
  @ApiProperty() requestedBy!: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed'] }) status!: ProjectionJob['status'];
  @ApiProperty() startedAt!: string;
  @ApiProperty({ type: String, nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: ProgressSchema, nullable: true, description: 'the latest progress; null until the first batch of events is folded, a few seconds in' })
  progress!: ProgressSchema | null;
  @ApiProperty({
    // null as a schema of its own: `nullable` beside a oneOf, with no type of its own, would add null to nothing
    oneOf: [{ type: 'object', additionalProperties: true }, { type: 'array', items: { type: 'object', additionalProperties: true } }, NULL_ONLY],
    description: 'null until the job ends. rebuild: an object {projections, version, resumedFrom, joined, events, seconds, swapped, differences?, kept?, rebuiltFirst?}; verify: an array [{projection, position, differences, equal}]',
  })
  result!: ProjectionJob['result'];
  @ApiProperty({ type: JobErrorSchema, nullable: true }) error!: JobErrorSchema | null;
  @ApiProperty({ example: '/projections/jobs/0b5e...' }) statusUrl!: string;
}

export class ProjectionJobListSchema {
  @ApiProperty({ type: [ProjectionJobSchema] }) items!: ProjectionJobSchema[];
}
