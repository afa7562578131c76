import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, Matches } from 'class-validator';

/**
 * `names`: projections to work on (accounts, classes, enrollments, timelines, audit, syncs,
 * lookups). Whether it is optional, and what leaving it out means, is the request's to say
 * (`description`): a verify of every read model harms nothing, a rebuild of all seven is asked
 * for explicitly.
 */
export const ProjectionNames = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ type: [String], example: ['accounts', 'timelines'], description }),
    IsArray(),
    ArrayMaxSize(50),
    IsString({ each: true }),
    Matches(/^[a-z][a-z0-9_-]{0,63}$/, { each: true, message: 'each of names must be a projection name such as accounts' }),
  );
