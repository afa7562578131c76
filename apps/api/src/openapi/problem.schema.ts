import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ProblemDetails } from '../errors/problem-details';

class ParameterProblemSchema {
  @ApiProperty({ example: 'limit' }) parameter!: string;
  @ApiProperty({ type: [String], example: ['limit must be a whole number from 1 to 1000, in decimal digits'] }) problems!: string[];
}

/** The body of every error answer (`application/problem+json`, RFC 9457). */
export class ProblemSchema implements ProblemDetails {
  @ApiProperty({ example: 'urn:roster-ledger:problem:sync-not-held' }) type!: string;
  @ApiProperty({ example: 'Conflict' }) title!: string;
  @ApiProperty({ example: 409 }) status!: number;
  @ApiProperty({ example: 'sync 1f0c... is completed, not held: only a held sync can be approved or discarded' }) detail!: string;
  @ApiProperty({
    description: 'Stable code to branch on: INVALID_REQUEST, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, SYNC_NOT_FOUND, SYNC_NOT_HELD, HELD_SYNC_PENDING, HELD_SYNC_OUTDATED, SYNC_ALREADY_RUNNING, UNKNOWN_PROJECTION, PROJECTION_JOB_RUNNING, INTERNAL_ERROR, ...',
    example: 'SYNC_NOT_HELD',
  })
  code!: string;
  @ApiPropertyOptional({ example: '/syncs/1f0c.../approve' }) instance?: string;
  @ApiPropertyOptional({ type: [ParameterProblemSchema], description: 'INVALID_REQUEST: each parameter at fault' }) errors?: ParameterProblemSchema[];
}
