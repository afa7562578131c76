import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { IsId } from '../validation/is-id.decorator';
import { CursorGiven, DEFAULT_LIMIT, Limit } from '../validation/paging.decorators';

/** What a search of accounts or classes takes besides its text: `district=&limit=&after=`. */
export abstract class SearchPageQueryDto {
  @ApiPropertyOptional({ description: 'only those of this district; 404 for a district the ledger has never recorded' })
  @IsOptional()
  @IsId()
  district?: string;

  @Limit() limit: number = DEFAULT_LIMIT;

  @ApiPropertyOptional({ description: 'cursor: the `next` of the previous page (shared ones come first, then removed ones, each by name)' })
  @IsOptional()
  @Length(1, 2000)
  @IsString()
  @CursorGiven()
  after?: string;
}

/**
 * A search's text, `q`: required, and more than spaces (blank text would match nothing, an answer
 * that reads as "no such record"). The first check that fails is the one reported, in this order:
 * that q is there at all, that it holds more than spaces, its length. (applyDecorators applies them
 * in the order given, where decorators written one above another apply from the bottom up.)
 */
export function SearchText(description: string, example: string): PropertyDecorator {
  return applyDecorators(
    IsString({ message: 'q is required: the text to search for' }),
    Matches(/\S/, { message: ({ value }) => `q is required: the text to search for (${value === '' ? 'it is empty' : 'it holds only spaces'})` }),
    Length(1, 200),
    ApiProperty({ description, example }),
  );
}
