import { EXTENSION_FIELD, redactEventData, topField, visiblePersonal, withoutExtensions, type PersonalAccess, type RecordParts, type UserRole } from '@roster-ledger/domain';
import type { AccountView, ClassFound, LastKnownRecord, LoggedChange, Membership, Page, ReadModels } from '../ports/read-models.port';

/**
 * A page of an account search, with what the text was compared with: a role that may see no
 * personal data finds an account by its Clever id alone, so a name that finds nothing for it
 * says why rather than reading as "nobody of that name".
 */
export interface AccountSearchPage extends Page<AccountAnswer> {
  searchedBy: 'name or identifier' | 'clever id';
  /** The page's accounts found only by a name, email or id they had before, not by their present ones. */
  foundByFormer: string[];
}

/** An account as a viewer may see it. */
export interface AccountAnswer {
  id: string;
  districtId: string | null;
  status: 'active' | 'removed';
  roles: UserRole[];
  /** Roles the person held before and holds no more (a removed student: ['student']). */
  formerRoles: UserRole[];
  personal: Record<string, unknown>;
  facets: Partial<Record<UserRole, RecordParts>>;
  /** Each former role as it stood when removed (a removed student's SIS id), cut as `facets` are. */
  formerFacets: Partial<Record<UserRole, RecordParts>>;
  firstSharedAt: string;
  firstSharedSync: string | null;
  lastChangedAt: string;
  removedAt: string | null;
  removedSync: string | null;
  /** True when personal fields were left out for this viewer. */
  personalRedacted: boolean;
}

export function accountAnswer(view: AccountView, access: PersonalAccess): AccountAnswer {
  let redacted = false;
  const cut = (personal: Record<string, unknown>) => {
    const visible = visiblePersonal(personal, access);
    if (Object.keys(visible).length < Object.keys(personal).length) redacted = true;
    return visible as RecordParts['personal'];
  };
  const cutFacets = (roles: Partial<Record<UserRole, RecordParts>>) => {
    const facets: Partial<Record<UserRole, RecordParts>> = {};
    for (const [role, facet] of Object.entries(roles) as [UserRole, RecordParts][]) {
      // a role's district extension fields (its ext) only to a reader who sees personal data in full
      const fields = withoutExtensions(facet.fields, access);
      if (fields !== facet.fields) redacted = true;
      facets[role] = { fields, personal: cut(facet.personal) };
    }
    return facets;
  };
  const facets = cutFacets(view.person.roles);
  const formerFacets = cutFacets(view.formerFacets ?? {});
  return {
    id: view.id,
    districtId: view.districtId,
    status: view.status,
    roles: view.roles,
    formerRoles: view.person.pastRoles.filter((r) => !view.roles.includes(r)),
    personal: cut(view.person.personal),
    facets,
    formerFacets,
    firstSharedAt: view.firstSharedAt,
    firstSharedSync: view.firstSharedSync,
    lastChangedAt: view.lastChangedAt,
    removedAt: view.removedAt,
    removedSync: view.removedSync,
    personalRedacted: redacted,
  };
}

export function changeAnswer(change: LoggedChange, access: PersonalAccess): LoggedChange {
  const answer = { ...change, data: redactEventData(change.data, access) };
  // a removed record's last version is cut as its share was: it has the share's shape
  if (change.lastKnown) answer.lastKnown = redactEventData({ ...change.lastKnown }, access) as unknown as LastKnownRecord;
  return answer;
}

/** Whether an account is or was a student: reading its personal data goes to the access log. */
export const isStudent = (view: AccountView): boolean => view.person.pastRoles.includes('student');

/**
 * The students whose personal data a page of changes shows: the people of its Student* and
 * DemographicUpdated events, and of its other user events (Teacher*, Staff*, DistrictAdmin*),
 * which repeat the same person's name and email, those that are or were students (or that the
 * accounts do not know yet).
 */
export async function studentsShown(
  changes: readonly Pick<LoggedChange, 'streamId' | 'type' | 'data' | 'lastKnown'>[],
  models: Pick<ReadModels, 'accountNames'>,
): Promise<string[]> {
  const students = new Set<string>();
  const otherRoles = new Set<string>();
  const shows = (personal: unknown) => typeof personal === 'object' && personal !== null && Object.keys(personal).length > 0;
  // the district's extension fields are shown as personal data is (see redactEventData)
  const showsExtensions = (data: Record<string, unknown> | undefined) =>
    Object.hasOwn((data?.['record'] ?? {}) as object, EXTENSION_FIELD) || Object.keys((data?.['changes'] ?? {}) as object).some((path) => topField(path) === EXTENSION_FIELD);
  for (const c of changes) {
    // a StudentRemoved shows the student's personal data through the version it removed
    const shown = shows(c.data['personal']) || shows(c.lastKnown?.personal) || showsExtensions(c.data) || showsExtensions(c.lastKnown as Record<string, unknown> | undefined);
    if (!c.streamId.startsWith('user-') || !shown) continue;
    const id = c.streamId.slice('user-'.length);
    if (/^(Student|Demographic)/.test(c.type)) students.add(id);
    else otherRoles.add(id);
  }
  const unsure = [...otherRoles].filter((id) => !students.has(id));
  if (unsure.length > 0) {
    const known = new Map((await models.accountNames(unsure)).map((account) => [account.id, account.student]));
    // a person the accounts have not folded yet (a read model catching up) counts as a student:
    // for a compliance log, an entry too many is the safe side
    for (const id of unsure) if (known.get(id) !== false) students.add(id);
  }
  return [...students];
}

/** A member of a class as of a moment, with the name a viewer may see. */
export interface RosterMember extends Membership {
  name: Record<string, unknown> | null;
  status: 'active' | 'removed' | 'unknown';
  /**
   * In the class when a sync shared it (`sinceSync` is that sync: the district's first for a class
   * there from the start, or one that shared it again after a removal): `since` is then when the
   * ledger began to know the class, or to know it again, and the member may have joined it any
   * time before (while it was not shared, for a class shared again).
   */
  sinceClassShared: boolean;
}

/** A class a user was in at a moment: the membership, with the class's name and status now. */
export interface ClassMembership extends Membership {
  className: string | null;
  /** The class's status now ('unknown': the ledger has no document of it). */
  status: 'active' | 'removed' | 'unknown';
  /** In the class when a sync shared it, first or again: `since` is then when the ledger began to know the class, or to know it again (see RosterMember). */
  sinceClassShared: boolean;
}

/** A class a search found, with its school's name (null when the ledger has no name for it) and status. */
export interface ClassSearchHit extends ClassFound {
  schoolName: string | null;
  /** 'unknown': the ledger has never recorded the school (or the class names none). */
  schoolStatus: 'active' | 'removed' | 'unknown';
}

export interface ClassesAsOfAnswer {
  userId: string;
  at: string;
  /** The person as they stood at that moment, as a roster's class status says it of a class. */
  accountStatus: 'active' | 'removed' | 'not yet shared';
  classes: ClassMembership[];
  /** `at` is still to come: answered as the ledger knows things now, which a sync before then may change; not a forecast. */
  momentToCome: boolean;
}

export interface RosterAnswer {
  sectionId: string;
  at: string;
  class: { name: string | null; schoolId: string | null; termId: string | null; courseId: string | null; status: string } | null;
  teachers: RosterMember[];
  students: RosterMember[];
  /** True when names were left out for this viewer (engineers see ids only). */
  personalRedacted: boolean;
  /** `at` is still to come: answered as the ledger knows the class now, which a sync before then may change; not a forecast. */
  momentToCome: boolean;
}
