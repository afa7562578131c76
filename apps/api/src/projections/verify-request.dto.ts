import { ProjectionNames } from './projection-names.decorator';

/** `POST /projections/verify` body. */
export class VerifyRequestDto {
  @ProjectionNames() names?: string[];
}
