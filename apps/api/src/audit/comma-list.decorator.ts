import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsIn } from 'class-validator';
import { unknownListValues } from '@roster-ledger/ledger';
import { Repeatable } from '../validation/repeated-parameters';

/**
 * A list parameter given as `types=A,B` or `types=A&types=B` (or both), each value one of `allowed`.
 * Empty items (`types=A,,B`, a trailing comma) are dropped; a list left empty (`types=`) is
 * refused, not taken as "every type".
 */
export const CommaList = (allowed: readonly string[], what: string) =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => {
      const parts = Array.isArray(value) ? value : [value];
      return parts.flatMap((p) => (typeof p === 'string' ? p.split(',').map((s) => s.trim()).filter((s) => s !== '') : [p]));
    }),
    Repeatable(),
    IsArray(),
    ArrayNotEmpty({ message: ({ property }) => `${property}: give at least one ${what.replace(/^an? /, '')}, or leave ${property} out for all of them` }),
    ArrayMaxSize(allowed.length),
    IsIn(allowed, {
      each: true,
      message: ({ property, value }) => `${property}: ${unknownListValues(Array.isArray(value) ? value : [value], allowed, what)}`,
    }),
  );
