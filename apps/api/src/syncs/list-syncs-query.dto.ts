import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { SyncStatus } from '@roster-ledger/domain';
import { IsId } from '../validation/is-id.decorator';
import { CursorGiven, DEFAULT_LIMIT, Limit } from '../validation/paging.decorators';

const STATUSES: readonly SyncStatus[] = ['running', 'completed', 'failed', 'held', 'discarded'];

/** `GET /syncs?district=&status=&limit=&after=` */
export class ListSyncsQueryDto {
  @ApiPropertyOptional({ enum: STATUSES, description: 'only syncs of this status: `held` lists the decisions pending' })
  @IsOptional()
  @IsIn(STATUSES, { message: ({ value }) => `status must be one of ${STATUSES.join(', ')}, got ${JSON.stringify(value)}` })
  status?: SyncStatus;

  @ApiPropertyOptional({ description: 'only syncs of this district' })
  @IsOptional()
  @IsId()
  district?: string;

  @Limit() limit: number = DEFAULT_LIMIT;

  @ApiPropertyOptional({ description: 'the next page: the `next` of the page before (the id of its last sync)' })
  @IsOptional()
  @IsId()
  @CursorGiven()
  after?: string;
}
