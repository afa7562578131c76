import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { IsId } from '../validation/is-id.decorator';
import { CursorGiven, DEFAULT_LIMIT, Limit } from '../validation/paging.decorators';

/** `GET /accounts?q=&district=&limit=` */
export class SearchAccountsQueryDto {
  @ApiProperty({
    description:
      'a Clever id, SIS id, student/teacher/staff number, state id or email (exact, any case), or the start of a name, first name first or last name first ("Frances D", "Daniel F", "Daniel, Frances"), with or without accents ("Lucia Pena" finds Lucía Peña), a middle name after the first when last name first, or between first and last ("Frances A Daniel"); engineers, who may see no personal data, search by Clever id alone',
    example: 'Frances',
  })
  // checked from the bottom up: first that q is there at all, then that it holds more than spaces
  // (blank text would match no one, an answer of nothing that reads as "no such person")
  @Length(1, 200)
  @Matches(/\S/, { message: ({ value }) => `q is required: the text to search for (${value === '' ? 'it is empty' : 'it holds only spaces'})` })
  @IsString({ message: 'q is required: the text to search for' })
  q!: string;

  @ApiPropertyOptional({ description: 'only accounts of this district; 404 for a district the ledger has never recorded' })
  @IsOptional()
  @IsId()
  district?: string;

  @Limit() limit: number = DEFAULT_LIMIT;

  @ApiPropertyOptional({ description: 'cursor: the `next` of the previous page (shared accounts come first, then removed ones, each by name)' })
  @IsOptional()
  @Length(1, 2000)
  @IsString()
  @CursorGiven()
  after?: string;
}
