import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsId } from '../validation/is-id.decorator';
import { IsoMoment } from '../validation/iso-moment.decorator';
import { DEFAULT_LIMIT, Limit } from '../validation/paging.decorators';

/** `GET /access-log?student=&who=&from=&to=&limit=` */
export class AccessLogQueryDto {
  @ApiPropertyOptional({ description: 'only reads that showed this student' })
  @IsOptional()
  @IsId()
  student?: string;

  @ApiPropertyOptional({ description: 'only reads by this API key holder (its configured name)' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  who?: string;

  @IsOptional() @IsoMoment('start-of-day', 'read at or after') from?: string;
  @IsOptional() @IsoMoment('next-day', 'read before') to?: string;

  @Limit() limit: number = DEFAULT_LIMIT;
}
