import { SearchPageQueryDto, SearchText } from '../common/search-page-query.dto';

/** `GET /accounts?q=&district=&limit=` */
export class SearchAccountsQueryDto extends SearchPageQueryDto {
  @SearchText(
    'a Clever id, SIS id, student/teacher/staff number, state id, username or email (exact, any case), or the start of a name, first name first or last name first ("Frances D", "Daniel F", "Daniel, Frances"), with or without accents ("Lucia Pena" finds Lucía Peña), a middle name after the first when last name first, or between first and last ("Frances A Daniel"); engineers, who may see no personal data, search by Clever id alone',
    'Frances',
  )
  q!: string;
}
