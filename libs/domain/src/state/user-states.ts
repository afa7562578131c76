import type { UserRole } from '../records/roster-records';
import type { UserState } from './ledger-state';
import type { RecordSource } from './record-source';

/**
 * What a sync reads of a user's state without parsing it: the roles the user holds, the schools
 * they name, and the snapshot bytes the state was made from. Saved beside each user's state.
 */
export interface UserSummary {
  roles: UserRole[];
  schools: string[];
  source?: RecordSource;
}

/** The summary of a parsed user state. */
export function summariseUser(user: UserState): UserSummary {
  const summary: UserSummary = { roles: Object.keys(user.roles) as UserRole[], schools: roleSchools(user.roles) };
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

interface Unparsed {
  text: string;
  summary: UserSummary;
}

/**
 * The users of a district state, some of them still as the JSON text a snapshot saved: a user's
 * state is parsed the first time it is asked for (`get`, or iterating values), so that a sync
 * parses only the users it touches; the others are read from their summaries (`roles`,
 * `schoolsOf`, `sourceOf`). Otherwise it works as a Map of parsed states.
 */
export class UserStates implements Iterable<[string, UserState]> {
  private readonly parsed = new Map<string, UserState>();
  private readonly unparsed = new Map<string, Unparsed>();

  /** Puts back a user's state as its saved JSON text and summary, to be parsed when asked for. */
  restoreUnparsed(id: string, text: string, summary: UserSummary): void {
    this.parsed.delete(id);
    this.unparsed.set(id, { text, summary });
  }

  get(id: string): UserState | undefined {
    const parsed = this.parsed.get(id);
    if (parsed !== undefined) return parsed;
    const saved = this.unparsed.get(id);
    if (saved === undefined) return undefined;
    const state = JSON.parse(saved.text) as UserState;
    this.unparsed.delete(id);
    this.parsed.set(id, state);
    return state;
  }

  has(id: string): boolean {
    return this.parsed.has(id) || this.unparsed.has(id);
  }

  set(id: string, state: UserState): this {
    this.unparsed.delete(id);
    this.parsed.set(id, state);
    return this;
  }

  get size(): number {
    return this.parsed.size + this.unparsed.size;
  }

  /** Every id, parsed or not, without parsing any (taken before iterating: asking for one parses it). */
  keys(): IterableIterator<string> {
    return [...this.parsed.keys(), ...this.unparsed.keys()][Symbol.iterator]();
  }

  /** Parses every user first. */
  entries(): IterableIterator<[string, UserState]> {
    this.parseAll();
    return this.parsed.entries();
  }

  /** Parses every user first. */
  values(): IterableIterator<UserState> {
    this.parseAll();
    return this.parsed.values();
  }

  [Symbol.iterator](): IterableIterator<[string, UserState]> {
    return this.entries();
  }

  /** The roles each user holds, parsed or not, without parsing any. */
  *roles(): IterableIterator<readonly UserRole[]> {
    for (const user of this.parsed.values()) yield Object.keys(user.roles) as UserRole[];
    for (const { summary } of this.unparsed.values()) yield summary.roles;
  }

  /** The schools a user's roles name, without parsing the user. */
  schoolsOf(id: string): string[] | undefined {
    const saved = this.unparsed.get(id);
    if (saved !== undefined) return saved.summary.schools;
    const parsed = this.parsed.get(id);
    return parsed === undefined ? undefined : roleSchools(parsed.roles);
  }

  /** The snapshot bytes a user's state was made from (see RecordSource), without parsing the user. */
  sourceOf(id: string): RecordSource | undefined {
    const saved = this.unparsed.get(id);
    return saved !== undefined ? saved.summary.source : this.parsed.get(id)?.source;
  }

  private parseAll(): void {
    for (const id of [...this.unparsed.keys()]) this.get(id);
  }
}
