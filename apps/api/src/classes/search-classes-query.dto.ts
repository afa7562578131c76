import { SearchPageQueryDto, SearchText } from '../common/search-page-query.dto';

/** `GET /classes?q=&district=&limit=&after=` */
export class SearchClassesQueryDto extends SearchPageQueryDto {
  @SearchText(
    "a class's Clever id, SIS id or section number (exact), or a part of its name (any case, with or without accents): `algebra` finds \"Algebra 1 - Smith - 3\"",
    'Algebra',
  )
  q!: string;
}
