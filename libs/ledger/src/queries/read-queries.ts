import type { Viewer } from '../access/viewer';
import type { AccessLogFilter, AuditFilter, LoggedChange, TimelineKind } from '../ports/read-models.port';

/** Accounts matching a name, email, SIS id, student number, state id, username or Clever id. */
/** The most items one page of a read may hold, through the API and the CLI alike. */
export const MAX_PAGE_LIMIT = 1000;

export class SearchAccountsQuery {
  constructor(
    readonly text: string,
    readonly viewer: Viewer,
    readonly options: { districtId?: string; limit: number; after?: string },
  ) {}
}

/** Classes by id, SIS id, section number or a part of their name, a page at a time. */
export class SearchClassesQuery {
  constructor(
    readonly text: string,
    readonly options: { districtId?: string; limit: number; after?: string },
  ) {}
}

/** One account, with its classes as of now. @throws NotFound */
export class GetAccountQuery {
  constructor(
    readonly id: string,
    readonly viewer: Viewer,
  ) {}
}

/** The timeline of a user, section, school, district, term or course. */
export class GetTimelineQuery {
  constructor(
    readonly kind: TimelineKind,
    readonly id: string,
    readonly viewer: Viewer,
    readonly page: { after?: number; limit: number },
  ) {}
}

/** The roster of a class at a moment, each member with since when and by which sync. */
export class GetRosterAsOfQuery {
  constructor(
    readonly sectionId: string,
    readonly at: string,
    readonly viewer: Viewer,
  ) {}
}

/** The classes a student (or teacher) was in at a moment. */
export class GetClassesAsOfQuery {
  constructor(
    readonly userId: string,
    readonly at: string,
    readonly viewer: Viewer,
  ) {}
}

/**
 * A district's audit feed, filtered, a page at a time. `first`: this page starts a read (an
 * export after a position) though `after` is given, so a filter naming nothing the ledger ever
 * recorded is refused, as on a page without `after`.
 */
export class GetAuditFeedQuery {
  constructor(
    readonly filter: AuditFilter,
    readonly viewer: Viewer,
    readonly page: { after?: number; limit: number; first?: boolean },
    /**
     * The students a page's sync events name beside a personal field (their findings' places),
     * which only the Clever mapping can tell: written with the page's other students, in the one
     * access-log entry of the read.
     */
    readonly namedInFindings: (changes: readonly LoggedChange[]) => string[] = () => [],
  ) {}
}

/** Who read which students' personal data. */
export class GetAccessLogQuery {
  constructor(readonly filter: AccessLogFilter) {}
}

/** Each projection's position, head, lag and health. */
export class GetProjectionStatusQuery {}
