import { IsOptional } from 'class-validator';
import { After, DEFAULT_LIMIT, Limit } from '../validation/paging.decorators';
import { AuditFilterDto } from './audit-filter.dto';

/** `GET /districts/:id/audit`: the filters and a page. */
export class AuditQueryDto extends AuditFilterDto {
  @Limit() limit: number = DEFAULT_LIMIT;
  @IsOptional() @After() after?: number;
}
