import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsId } from '../validation/is-id.decorator';
import { DEFAULT_LIMIT, Limit } from '../validation/paging.decorators';

/** `GET /syncs?district=&limit=` */
export class ListSyncsQueryDto {
  @ApiPropertyOptional({ description: 'only syncs of this district' })
  @IsOptional()
  @IsId()
  district?: string;

  @Limit() limit: number = DEFAULT_LIMIT;
}
