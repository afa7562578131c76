import { IsOptional } from 'class-validator';
import { ProjectionNames } from './projection-names.decorator';

/** `POST /projections/verify` body. */
export class VerifyRequestDto {
  // a verify changes nothing: omitted or empty verifies every read model, as `projections verify` alone does
  @IsOptional() @ProjectionNames('projections to verify; omitted or empty: all') names?: string[];
}
