import { applyDecorators } from '@nestjs/common';
import { IsString, Length, Matches } from 'class-validator';

/** Clever ids are 24 hex digits and sync ids UUIDs; allow any sane token, refuse paths, spaces and essays. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** A record, sync or district id: 1 to 128 letters, digits, `.`, `_`, `:` or `-`. */
export const IsId = () =>
  applyDecorators(
    IsString(),
    // an empty one is a script's variable left unset: said as such, not as a length
    Length(1, 128, { message: ({ property, value }) => (value === '' ? `${property} is empty: give an id, or leave ${property} out` : `${property} must be an id of at most 128 characters`) }),
    Matches(ID_PATTERN, { message: ({ property }) => `${property} must be an id: letters, digits, '.', '_', ':' or '-'` }),
  );
