import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { AUDIT_EVENT_TYPES, AUDIT_RECORD_TYPES, parseMomentOrFail, type AuditFilter } from '@roster-ledger/ledger';
import { IsId } from '../validation/is-id.decorator';
import { IsoMoment } from '../validation/iso-moment.decorator';
import { RangeEnd } from '../validation/range-end.decorator';
import { CommaList } from './comma-list.decorator';
import { MatchingTypes } from './matching-types.decorator';

/** The filters of the audit feed and its export. Times are the ledger's `observedAt`. */
export class AuditFilterDto {
  // kept as given, so that a range holding no moment is refused in the words sent; toFilter normalises
  @IsOptional() @IsoMoment('start-of-day', 'observed at or after', 'as-given') from?: string;
  // RangeEnd is checked after IsoMoment (the last decorator is applied first): a bad date says so first
  @IsOptional() @RangeEnd('from') @IsoMoment('next-day', 'observed before', 'as-given') to?: string;

  @ApiPropertyOptional({ description: 'event types, comma-separated (given more than once, the lists are merged: `types=A&types=B` is `types=A,B`)', example: 'StudentShared,StudentRemoved', type: String })
  @IsOptional()
  @CommaList(AUDIT_EVENT_TYPES, 'an event type')
  types?: string[];

  @ApiPropertyOptional({ description: `record types, comma-separated (given more than once, the lists are merged): ${AUDIT_RECORD_TYPES.join(', ')}`, example: 'student,section', type: String })
  @IsOptional()
  // checked after the list's own rules (the last decorator is applied first): an unknown type says so first
  @MatchingTypes('types')
  @CommaList(AUDIT_RECORD_TYPES, 'a record type')
  recordTypes?: string[];

  @ApiPropertyOptional({ description: 'only changes to records of this school (as known when the change happened); 404 for a school the feed has never recorded' })
  @IsOptional()
  @IsId()
  school?: string;

  @ApiPropertyOptional({ description: 'only changes recorded by this sync; 404 for a sync the feed has never recorded in this district' })
  @IsOptional()
  @IsId()
  sync?: string;

  /** The application layer's filter, for one district. */
  toFilter(districtId: string): AuditFilter {
    // validated already: these cannot fail
    const from = this.from === undefined ? undefined : parseMomentOrFail(this.from, 'start-of-day', 'from');
    const to = this.to === undefined ? undefined : parseMomentOrFail(this.to, 'next-day', 'to');
    return { districtId, from, to, types: this.types, recordTypes: this.recordTypes, schoolId: this.school, syncId: this.sync };
  }
}
