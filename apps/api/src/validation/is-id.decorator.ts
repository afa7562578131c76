import { applyDecorators } from '@nestjs/common';
import { askedIdProblem, MAX_ID_LENGTH } from '@roster-ledger/domain';
import { IsString, Length, ValidateBy } from 'class-validator';

/**
 * A record, sync or district id: any the ledger may hold (see askedIdProblem: at most 255
 * characters, no control character), so that every id an import took and an answer gives can be
 * asked for (escaped in a path: `/accounts/a%2Fb06/timeline`). It only ever names a row to look up.
 */
export const IsId = () =>
  applyDecorators(
    IsString(),
    // an empty one is a script's variable left unset: said as such, not as a length
    Length(1, MAX_ID_LENGTH, { message: ({ property, value }) => (value === '' ? `${property} is empty: give an id, or leave ${property} out` : `${property} must be an id of at most ${MAX_ID_LENGTH} characters`) }),
    ValidateBy({
      name: 'isId',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || askedIdProblem(value) === null || value.length > MAX_ID_LENGTH,
        defaultMessage: (args) => `${args?.property ?? 'id'} must be an id, without control characters`,
      },
    }),
  );
