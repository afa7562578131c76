import { applyDecorators } from '@nestjs/common';
import { IsString, Length, Matches } from 'class-validator';

/** Clever ids are 24 hex digits and sync ids UUIDs; allow any sane token, refuse paths, spaces and essays. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** A record, sync or district id: 1 to 128 letters, digits, `.`, `_`, `:` or `-`. */
export const IsId = () =>
  applyDecorators(
    IsString(),
    Length(1, 128),
    Matches(ID_PATTERN, { message: ({ property }) => `${property} must be an id: letters, digits, '.', '_', ':' or '-'` }),
  );
