import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, ValidateBy, ValidateIf, type ValidationArguments } from 'class-validator';
import { ProjectionNames } from './projection-names.decorator';

const SEND = 'send the projections to rebuild as names (["accounts", "timelines"]), or "all": true to rebuild every one';

/**
 * What is wrong with the choice between `names` and `all`, or null. A rebuild of every read model
 * takes minutes at scale and pauses the live projections: it must be asked for as such, never
 * follow from a script's empty list (as `roster-ledger rebuild` without names refuses too).
 */
function targetProblem(names: unknown, all: unknown): string | null {
  if (all === true) return names === undefined ? null : `names and all were both sent: ${SEND}, not both`;
  if (names === undefined || names === null) return `names is missing: ${SEND}`;
  if (Array.isArray(names) && names.length === 0) return `names is empty, which rebuilds nothing: ${SEND}`;
  return null;
}

/** `POST /projections/rebuild` body: `names`, or `all: true`; exactly one of them. */
export class RebuildRequestDto {
  // checked unless `all` alone was sent; `names` without `all`, or with it, must pass targetProblem first
  @ValidateIf((body: RebuildRequestDto) => !(body.all === true && body.names === undefined))
  @ProjectionNames('projections to rebuild; required unless all is true, and refused with it')
  // the last decorator is applied first, so this one is checked first: "names is missing" says more than "names must be an array"
  @ValidateBy({
    name: 'namesOrAll',
    validator: {
      validate: (names: unknown, args?: ValidationArguments) => targetProblem(names, (args?.object as RebuildRequestDto | undefined)?.all) === null,
      defaultMessage: (args?: ValidationArguments) => targetProblem(args?.value, (args?.object as RebuildRequestDto | undefined)?.all) ?? '',
    },
  })
  names?: string[];

  @ApiPropertyOptional({ description: 'true: rebuild every projection (instead of names)', example: true })
  @IsOptional()
  @IsBoolean()
  all?: boolean;

  @ApiPropertyOptional({ default: false, description: 'rebuild beside the live tables and compare, without swapping' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}
