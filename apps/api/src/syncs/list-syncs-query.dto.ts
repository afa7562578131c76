import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsId } from '../validation/is-id.decorator';
import { CursorGiven, DEFAULT_LIMIT, Limit } from '../validation/paging.decorators';

/** `GET /syncs?district=&limit=&after=` */
export class ListSyncsQueryDto {
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
