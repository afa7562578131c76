import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { parseMomentOrFail, type GetAccessLogQuery } from '@roster-ledger/ledger';
import { IsId } from '../validation/is-id.decorator';
import { IsoMoment } from '../validation/iso-moment.decorator';
import { RangeEnd } from '../validation/range-end.decorator';
import { AfterEntry, DEFAULT_LIMIT, Limit } from '../validation/paging.decorators';

/** `GET /access-log?student=&who=&from=&to=&limit=&after=` */
export class AccessLogQueryDto {
  @ApiPropertyOptional({ description: 'only reads that showed this student' })
  @IsOptional()
  @IsId()
  student?: string;

  @ApiPropertyOptional({ description: 'only reads by this API key holder (its configured name)' })
  @IsOptional()
  @IsString()
  // an empty one is a script's variable left unset: said as such, as every other filter says it, not as a length
  @Length(1, 100, { message: ({ value }) => (value === '' ? 'who is empty: give the name of a key holder or CLI user, or leave who out' : 'who must be a name of at most 100 characters') })
  who?: string;

  // kept as given, so that a range holding no moment is refused in the words sent (as the audit
  // feed's is); toFilter normalises
  @IsOptional() @IsoMoment('start-of-day', 'read at or after', 'as-given') from?: string;
  // RangeEnd is checked after IsoMoment (the last decorator is applied first): a bad date says so first
  @IsOptional() @RangeEnd('from') @IsoMoment('next-day', 'read before', 'as-given') to?: string;

  @Limit() limit: number = DEFAULT_LIMIT;

  @IsOptional() @AfterEntry() after?: number;

  /** The application layer's filter, with the range's ends as UTC timestamps. */
  toFilter(): GetAccessLogQuery['filter'] {
    // validated already: these cannot fail
    const from = this.from === undefined ? undefined : parseMomentOrFail(this.from, 'start-of-day', 'from');
    const to = this.to === undefined ? undefined : parseMomentOrFail(this.to, 'next-day', 'to');
    return { studentId: this.student, who: this.who, from, to, after: this.after, limit: this.limit };
  }
}
