import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches } from 'class-validator';

/** `names`: projections to work on (accounts, classes, enrollments, timelines, audit, syncs, lookups); none or empty means all. */
export const ProjectionNames = () =>
  applyDecorators(
    ApiPropertyOptional({ type: [String], example: ['accounts', 'timelines'], description: 'projections to work on; omitted or empty: all' }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(50),
    IsString({ each: true }),
    Matches(/^[a-z][a-z0-9_-]{0,63}$/, { each: true, message: 'each of names must be a projection name such as accounts' }),
  );
