import type { UserRole } from '../records/roster-records';
import type { UserState } from './record-states';
import type { RecordSource } from './record-source';

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

/** The schools a user's roles name (a record's roles, or a state's). */
export function roleSchools(roles: UserState['roles']): string[] {
  const schools: string[] = [];
  for (const facet of Object.values(roles)) {
    const { school, schools: list } = facet.fields;
    if (typeof school === 'string') schools.push(school);
    if (Array.isArray(list)) for (const s of list) if (typeof s === 'string') schools.push(s);
  }
  return schools;
}

/** Reads a user's saved state (its JSON), or undefined when there is none. */
export type UserStateReader = (id: string) => string | undefined;

/**
 * The users of a district state, some of them known only by the summary a saved snapshot keeps
 * of them: a user's state is read (with the reader the snapshot gave) and parsed the first time
 * it is asked for (`get`, or iterating values), so that a sync reads only the users it touches;
 * the others are answered from their summaries (`roles`, `schoolsOf`, `sourceOf`). Otherwise it
 * works as a Map of states.
 */
export class UserStates implements Iterable<[string, UserState]> {
  private readonly parsed = new Map<string, UserState>();
  private readonly unread = new Map<string, UserSummary>();
  private read: UserStateReader = () => undefined;
  /**
   * One array for each list of roles or schools the summaries hold: a million students share a
   * few thousand of them (at a million students, about 120 MB of heap saved).
   */
  private readonly lists = new Map<string, readonly string[]>();

  /** Where the states of users restored by summary are read from. */
  readWith(reader: UserStateReader): void {
    this.read = reader;
  }

  /** Puts back a user a snapshot saved, by its summary: its state is read when asked for. */
  restoreUnread(id: string, summary: UserSummary): void {
    this.parsed.delete(id);
    const kept: UserSummary = {
      revision: summary.revision,
      roles: this.shared(summary.roles) as readonly UserRole[],
      schools: this.shared(summary.schools),
    };
    if (summary.source !== undefined) kept.source = summary.source;
    this.unread.set(id, kept);
  }

  /**
   * @throws Error when a user's saved state is gone or at another revision than its summary said
   * (another process saved the district's state meanwhile): what was loaded no longer holds.
   */
  get(id: string): UserState | undefined {
    const parsed = this.parsed.get(id);
    if (parsed !== undefined) return parsed;
    const summary = this.unread.get(id);
    if (summary === undefined) return undefined;
    const text = this.read(id);
    const state = text === undefined ? undefined : (JSON.parse(text) as UserState);
    if (state?.revision !== summary.revision) {
      throw new Error(`the saved state of user ${id} changed after it was loaded (another process saved the district's state meanwhile): nothing was applied; try again`);
    }
    this.unread.delete(id);
    this.parsed.set(id, state);
    return state;
  }

  /** Whether the user's state is in memory (else it is known by its summary, and read when asked for). */
  isParsed(id: string): boolean {
    return this.parsed.has(id);
  }

  has(id: string): boolean {
    return this.parsed.has(id) || this.unread.has(id);
  }

  set(id: string, state: UserState): this {
    this.unread.delete(id);
    this.parsed.set(id, state);
    return this;
  }

  get size(): number {
    return this.parsed.size + this.unread.size;
  }

  /** Every id, read or not, without reading any (taken before iterating: asking for one reads it). */
  keys(): IterableIterator<string> {
    return [...this.parsed.keys(), ...this.unread.keys()][Symbol.iterator]();
  }

  /** Reads every user first. */
  entries(): IterableIterator<[string, UserState]> {
    this.readAll();
    return this.parsed.entries();
  }

  /** Reads every user first. */
  values(): IterableIterator<UserState> {
    this.readAll();
    return this.parsed.values();
  }

  [Symbol.iterator](): IterableIterator<[string, UserState]> {
    return this.entries();
  }

  /** The roles each user holds, without reading any. */
  *roles(): IterableIterator<readonly UserRole[]> {
    for (const user of this.parsed.values()) yield Object.keys(user.roles) as UserRole[];
    for (const summary of this.unread.values()) yield summary.roles;
  }

  /** The roles a user holds, without reading the user; undefined for a user the state does not hold. */
  rolesOf(id: string): readonly UserRole[] | undefined {
    const summary = this.unread.get(id);
    if (summary !== undefined) return summary.roles;
    const parsed = this.parsed.get(id);
    return parsed === undefined ? undefined : (Object.keys(parsed.roles) as UserRole[]);
  }

  /** The schools a user's roles name, without reading the user. */
  schoolsOf(id: string): readonly string[] | undefined {
    const summary = this.unread.get(id);
    if (summary !== undefined) return summary.schools;
    const parsed = this.parsed.get(id);
    return parsed === undefined ? undefined : roleSchools(parsed.roles);
  }

  /** The snapshot bytes a user's state was made from (see RecordSource), without reading the user. */
  sourceOf(id: string): RecordSource | undefined {
    const summary = this.unread.get(id);
    return summary !== undefined ? summary.source : this.parsed.get(id)?.source;
  }

  /** The list equal to `list` that the summaries already share, or `list` itself, shared from now on. */
  private shared(list: readonly string[]): readonly string[] {
    const key = JSON.stringify(list);
    const known = this.lists.get(key);
    if (known !== undefined) return known;
    this.lists.set(key, list);
    return list;
  }

  private readAll(): void {
    for (const id of [...this.unread.keys()]) this.get(id);
  }
}
