import { ApiProperty } from '@nestjs/swagger';
import { IsId } from '../validation/is-id.decorator';

/** The `:id` of a path. */
export class IdParamDto {
  @ApiProperty({ description: 'the record id (a Clever id, or a sync id)', example: '5a25ffb0c1bc2a0036000401' })
  @IsId()
  id!: string;
}
