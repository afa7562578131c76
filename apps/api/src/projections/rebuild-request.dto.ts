import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { ProjectionNames } from './projection-names.decorator';

/** `POST /projections/rebuild` body. */
export class RebuildRequestDto {
  @ProjectionNames() names?: string[];

  @ApiPropertyOptional({ default: false, description: 'rebuild beside the live tables and compare, without swapping' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}
