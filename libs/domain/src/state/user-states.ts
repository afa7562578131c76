import type { UserRole } from '../records/roster-records';
import type { UserState } from './record-states';
import type { RecordSource } from './record-source';
import { LazyStates } from './lazy-states';

/**
 * What a sync reads of a user's state without reading the state: the revision it is at, the roles
 * the user holds, the schools they name, and the snapshot bytes the state was made from. Saved
 * beside each user's state.
 */
export interface UserSummary {
  revision: number;
  roles: readonly UserRole[];
  schools: readonly string[];
  source?: RecordSource;
}

/** The summary of a user state. */
export function summariseUser(user: UserState): UserSummary {
  const summary: UserSummary = { revision: user.revision, roles: Object.keys(user.roles) as UserRole[], schools: roleSchools(user.roles) };
  if (user.source !== undefined) summary.source = user.source;
  return summary;
}

/**
 * The schools a user's roles name (a record's roles, or a state's), each once: a student's
 * `school` is nearly always among their `schools`.
 */
export function roleSchools(roles: UserState['roles']): string[] {
  const schools: string[] = [];
  const add = (school: unknown) => {
    if (typeof school === 'string' && !schools.includes(school)) schools.push(school);
  };
  for (const facet of Object.values(roles)) {
    const { school, schools: list } = facet.fields;
    add(school);
    if (Array.isArray(list)) list.forEach(add);
  }
  return schools;
}

/** `list` with each value once, in order of first appearance; `list` itself when none repeats (nearly always). */
function withoutRepeats(list: readonly string[]): readonly string[] {
  if (list.length < 2) return list;
  if (list.length === 2) return list[0] === list[1] ? [list[0]!] : list;
  const unique = [...new Set(list)];
  return unique.length === list.length ? list : unique;
}

/**
 * The users of a district state, some of them known only by the summary a saved snapshot keeps
 * of them (see {@link LazyStates}): the others are answered from their summaries (`roles`,
 * `schoolsOf`, `sourceOf`) without reading them.
 */
export class UserStates extends LazyStates<UserState, UserSummary> {
  /**
   * One array for each list of roles or schools the summaries hold: a million students share a
   * few thousand of them (at a million students, about 120 MB of heap saved).
   */
  private readonly lists = new Map<string, readonly string[]>();
  private readonly singletons = new Map<string, readonly string[]>();

  constructor() {
    super('user');
  }

  /** Puts back a user a snapshot saved, by its summary: its state is read when asked for. */
  override restoreUnread(id: string, summary: UserSummary): void {
    const kept: UserSummary = {
      revision: summary.revision,
      roles: this.shared(summary.roles) as readonly UserRole[],
      // summaries saved before roleSchools named each school once hold a student's school twice:
      // as a list of one it is shared by the school alone, not by the list's JSON (a million of them)
      schools: this.shared(withoutRepeats(summary.schools)),
    };
    if (summary.source !== undefined) kept.source = summary.source;
    super.restoreUnread(id, kept);
  }

  /** The roles each user holds, without reading any. */
  *roles(): IterableIterator<readonly UserRole[]> {
    for (const user of this.parsedStates()) yield Object.keys(user.roles) as UserRole[];
    for (const summary of this.summaries()) yield summary.roles;
  }

  /** The roles a user holds, without reading the user; undefined for a user the state does not hold. */
  rolesOf(id: string): readonly UserRole[] | undefined {
    const summary = this.summaryOf(id);
    if (summary !== undefined) return summary.roles;
    const parsed = this.parsedOf(id);
    return parsed === undefined ? undefined : (Object.keys(parsed.roles) as UserRole[]);
  }

  /** The schools a user's roles name, without reading the user. */
  schoolsOf(id: string): readonly string[] | undefined {
    const summary = this.summaryOf(id);
    if (summary !== undefined) return summary.schools;
    const parsed = this.parsedOf(id);
    return parsed === undefined ? undefined : roleSchools(parsed.roles);
  }

  /** The list equal to `list` that the summaries already share, or `list` itself, shared from now on. */
  private shared(list: readonly string[]): readonly string[] {
    // most lists hold one id (a user's one role): those are told apart by the id alone
    const lists = list.length === 1 ? this.singletons : this.lists;
    const key = list.length === 1 ? list[0]! : JSON.stringify(list);
    const known = lists.get(key);
    if (known !== undefined) return known;
    lists.set(key, list);
    return list;
  }
}
