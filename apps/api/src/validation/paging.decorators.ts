import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_PAGE_LIMIT } from '@roster-ledger/ledger';

export const DEFAULT_LIMIT = 50;

/** `limit`: how many items a page holds, 1..1000, default 50. */
export const Limit = () =>
  applyDecorators(
    ApiPropertyOptional({ type: Number, minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_LIMIT, description: 'items per page' }),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(MAX_PAGE_LIMIT),
  );

/** `after`: the cursor of the previous page's `next` (a log position); the first page has none. */
export const After = () =>
  applyDecorators(
    ApiPropertyOptional({ type: Number, minimum: 0, description: 'cursor: the `next` of the previous page' }),
    Type(() => Number),
    IsInt(),
    Min(0),
    Max(Number.MAX_SAFE_INTEGER),
  );
