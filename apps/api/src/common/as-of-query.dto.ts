import { IsoMoment } from '../validation/iso-moment.decorator';

/** `?asOf=`: the moment a roster is read at; now when not given. */
export class AsOfQueryDto {
  // evaluated per request: class-transformer makes a new instance for each one
  @IsoMoment('end-of-day', 'the moment to read at (default: now)') asOf: string = new Date().toISOString();
}
