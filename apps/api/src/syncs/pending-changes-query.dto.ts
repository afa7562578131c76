import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { ROSTER_EVENT_TYPES } from '@roster-ledger/domain';
import { CommaList } from '../audit/comma-list.decorator';
import { AfterIndex, DEFAULT_LIMIT, Limit } from '../validation/paging.decorators';

/** `GET /syncs/:id/pending?types=&limit=&after=` */
export class PendingChangesQueryDto {
  @ApiPropertyOptional({ description: 'only changes of these event types, comma-separated (given more than once, the lists are merged)', example: 'StudentRemoved,TeacherRemoved', type: String })
  @IsOptional()
  @CommaList(ROSTER_EVENT_TYPES, 'a roster event type')
  types?: string[];

  @Limit() limit: number = DEFAULT_LIMIT;

  @IsOptional() @AfterIndex() after?: number;
}
