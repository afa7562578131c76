import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationArguments } from 'class-validator';
import { parseMoment, type DateMeaning } from '@roster-ledger/ledger';

const MEANING: Record<DateMeaning, string> = {
  'start-of-day': 'a date alone means the start of that day (00:00:00.000 UTC), inclusive',
  'end-of-day': 'a date alone means the END of that day (23:59:59.999 UTC)',
  'next-day': 'exclusive; a date alone means the end of that day (the whole day is included)',
};

/**
 * An optional ISO-8601 moment parameter: a date (`2025-10-01`) or a timestamp with a zone
 * (`2025-10-01T12:00:00Z`, `2025-10-01T14:00:00+02:00`), normalised to a UTC timestamp with
 * milliseconds before it reaches the handler. The text is kept when it is not a moment, so that
 * validation names it.
 */
export function IsoMoment(dateMeans: DateMeaning, description: string) {
  return applyDecorators(
    ApiPropertyOptional({ description: `${description}: ISO-8601 date or timestamp with a zone; ${MEANING[dateMeans]}`, example: '2025-10-01' }),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (parseMoment(value.trim(), dateMeans) ?? value) : value)),
    ValidateBy({
      name: 'isoMoment',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseMoment(value, dateMeans) !== null,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'value'} must be an ISO-8601 date (2025-10-01) or a timestamp with a zone (2025-10-01T12:00:00Z)`,
      },
    }),
  );
}
