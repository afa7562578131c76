import { After, DEFAULT_LIMIT, Limit } from '../validation/paging.decorators';
import { IsOptional } from 'class-validator';

/** `?after=&limit=`: a page of a timeline, in log order. */
export class PageQueryDto {
  @Limit() limit: number = DEFAULT_LIMIT;
  @IsOptional() @After() after?: number;
}
