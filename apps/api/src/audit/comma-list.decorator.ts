import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn } from 'class-validator';
import { unknownListValues } from '@roster-ledger/ledger';

/**
 * A list parameter given as `types=A,B` or `types=A&types=B` (or both), each value one of `allowed`.
 * Empty items (`types=A,,B`, a trailing comma) are dropped.
 */
export const CommaList = (allowed: readonly string[], what: string) =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => {
      const parts = Array.isArray(value) ? value : [value];
      return parts.flatMap((p) => (typeof p === 'string' ? p.split(',').map((s) => s.trim()).filter((s) => s !== '') : [p]));
    }),
    IsArray(),
    ArrayMaxSize(allowed.length),
    IsIn(allowed, {
      each: true,
      message: ({ property, value }) => `${property}: ${unknownListValues(Array.isArray(value) ? value : [value], allowed, what)}`,
    }),
  );
