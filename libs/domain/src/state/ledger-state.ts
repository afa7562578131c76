import type { FieldChanges, Fields } from '../records/fields';
import { applyFieldChanges, setOwn, topField } from '../records/field-changes';
import type { RecordKind, UserRole } from '../records/roster-records';
import type { RosterEvent, SectionEvent, UserEvent } from '../events/roster-events';
import type { RecordSource } from './record-source';
import type { EntityState, SectionState, UserState } from './record-states';
import { SectionStates, summariseSection, type SectionSummary } from './section-states';
import { summariseUser, UserStates, type UserSummary } from './user-states';

export type { EntityState, SectionState, UserState } from './record-states';

/** User-level fields: they belong to the person, not to one role. */
export const USER_LEVEL_FIELDS: readonly string[] = ['name', 'email'];
const isUserLevel = (field: string): boolean => USER_LEVEL_FIELDS.includes(field);

/**
 * Where a role's state keeps the personal data a `*Shared` event of that role carries: the
 * user-level fields on the person, every other one (a role's own, and any other person-level
 * field a record has, such as an unknown role kept) on the role. The diff compares a record with
 * a state split the same way, so that a record shared once is unchanged the next time.
 */
export function splitPersonal(personal: Fields): { own: Fields; role: Fields } {
  const own: Fields = {};
  const role: Fields = {};
  for (const [key, value] of Object.entries(personal)) setOwn(isUserLevel(key) ? own : role, key, value);
  return { own, role };
}

/** An event as read back from the log: enough to fold it into the ledger state. */
export interface StoredRosterEvent {
  streamId: string;
  revision: number;
  type: string;
  data: unknown;
  /** The event's metadata: its `cleverLastModified` and `removedAsOf`, when it has them, are kept in the record's state (the newer). */
  metadata?: Readonly<Record<string, unknown>>;
}

/**
 * Whether Clever timestamp `a` is strictly before `b`. False when either is missing or not a
 * date: a version without a usable clock is never called older.
 */
export function isOlderThan(a: string | undefined, b: string | undefined): boolean {
  const [ta, tb] = [timeOf(a), timeOf(b)];
  return ta !== undefined && tb !== undefined && ta < tb;
}

/** Both timestamps are usable dates. */
export function bothTimed(a: string | undefined, b: string | undefined): boolean {
  return timeOf(a) !== undefined && timeOf(b) !== undefined;
}

function timeOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

/** The newer of two Clever timestamps (a usable one wins over a missing or broken one). */
function newest(current: string | undefined, next: string | undefined): string | undefined {
  // a record's events nearly always carry the clock it has: no date to read (each is read once otherwise)
  if (next === current) return current;
  const nextTime = timeOf(next);
  if (nextTime === undefined) return current;
  const currentTime = timeOf(current);
  return currentTime === undefined || currentTime < nextTime ? next : current;
}

const ROLE_BY_PREFIX: Record<string, UserRole> = {
  Student: 'student',
  Demographic: 'student',
  Teacher: 'teacher',
  Staff: 'staff',
  DistrictAdmin: 'district_admin',
};

/** The role a user event is about, from its type (`TeacherUpdated` -> teacher). */
export function roleOfUserEvent(type: string): UserRole | undefined {
  const prefix = /^(Student|Demographic|Teacher|Staff|DistrictAdmin)/.exec(type)?.[1];
  return prefix === undefined ? undefined : ROLE_BY_PREFIX[prefix];
}

/**
 * Folds one event into a plain record's state (district, school, term, course). Mutates and
 * returns `current` (or a new state for a first share): callers own their state objects.
 */
export function evolveEntity(current: EntityState | undefined, revision: number, event: RosterEvent): EntityState | undefined {
  const data = event.data;
  if (event.type.endsWith('Shared') && 'record' in data) {
    return { id: data.id, revision, active: true, fields: data.record, personal: data.personal };
  }
  if (!current) return current;
  if (event.type.endsWith('Updated') && 'changes' in data) {
    current.fields = applyFieldChanges(current.fields, data.changes);
    current.personal = applyFieldChanges(current.personal, data.personal);
    current.revision = revision;
  } else if (event.type.endsWith('Removed')) {
    current.active = false;
    current.revision = revision;
  }
  return current;
}

/** Folds one section event into a section's state (fields and membership). Mutates and returns it. */
export function evolveSection(current: SectionState | undefined, revision: number, event: SectionEvent): SectionState | undefined {
  if (event.type === 'SectionShared' || event.type === 'SectionUpdated' || event.type === 'SectionRemoved') {
    if (event.type !== 'SectionShared' && !current) return current;
    const next = evolveEntity(current, revision, event)!;
    return {
      ...next,
      teachers: current?.teachers ?? [],
      primaryTeacher: current?.primaryTeacher ?? null,
      students: current?.students ?? [],
    };
  }
  if (!current) return current;
  current.revision = revision;
  switch (event.type) {
    case 'StudentEnrolled':
      if (!current.students.includes(event.data.studentId)) current.students.push(event.data.studentId);
      break;
    case 'StudentUnenrolled':
      current.students = current.students.filter((s) => s !== event.data.studentId);
      break;
    case 'TeacherAssigned':
      if (!current.teachers.includes(event.data.teacherId)) current.teachers.push(event.data.teacherId);
      if (event.data.primary) current.primaryTeacher = event.data.teacherId;
      break;
    case 'TeacherUnassigned':
      current.teachers = current.teachers.filter((t) => t !== event.data.teacherId);
      if (current.primaryTeacher === event.data.teacherId) current.primaryTeacher = null;
      break;
    case 'PrimaryTeacherChanged':
      current.primaryTeacher = event.data.to;
      break;
  }
  return current;
}

/** Folds one user event into a person's state (each role a facet). Mutates and returns it. */
export function evolveUser(current: UserState | undefined, revision: number, event: UserEvent): UserState | undefined {
  const role = roleOfUserEvent(event.type);
  if (role === undefined) return current;
  const data = event.data;
  const user = current ?? { id: data.id, revision, personal: {}, roles: {}, pastRoles: [] };
  if (!current && !('record' in data)) return current;
  user.revision = revision;
  if ('record' in data) {
    const { own, role: rolePersonal } = splitPersonal(data.personal);
    user.personal = own;
    user.roles[role] = { fields: data.record, personal: rolePersonal };
    if (!user.pastRoles.includes(role)) user.pastRoles.push(role);
    return user;
  }
  const facet = user.roles[role];
  if (!facet) return user;
  if (event.type.endsWith('Removed')) {
    delete user.roles[role];
    return user;
  }
  if ('changes' in data) facet.fields = applyFieldChanges(facet.fields, data.changes);
  if ('personal' in data) {
    const own: FieldChanges = {};
    const rolePersonal: FieldChanges = {};
    for (const [path, change] of Object.entries(data.personal)) {
      (isUserLevel(topField(path)) ? own : rolePersonal)[path] = change;
    }
    user.personal = applyFieldChanges(user.personal, own);
    facet.personal = applyFieldChanges(facet.personal, rolePersonal);
  }
  return user;
}

type PlainCategory = Exclude<RecordKind, 'user' | 'section'>;
const PLAIN_CATEGORIES: readonly PlainCategory[] = ['district', 'school', 'term', 'course'];

/** A stream's events in order, and the revision the stream was at before them. */
export interface PlannedStreamEvents {
  streamId: string;
  expectedRevision: number | 'no_stream';
  /** As a diff plans them (`cleverLastModified`, `removedAsOf`) or as appended (the same in `metadata`). */
  events: readonly { type: string; data: unknown; cleverLastModified?: string; removedAsOf?: string; metadata?: Readonly<Record<string, unknown>> }[];
}

/** Which record of the state: its stream category (the record kind) and id. */
export interface StateKey {
  category: RecordKind;
  id: string;
}

/** One record's state as a snapshot of the district state stores it. */
export interface StateEntry extends StateKey {
  state: EntityState | SectionState | UserState;
}

/**
 * The shape of the states above, as saved in snapshots. Raise it whenever a state's shape, an
 * evolve function, or what a snapshot keeps beside the states (users' summaries) changes:
 * snapshots of another format are ignored, and the state is folded from the log again.
 */
export const LEDGER_STATE_FORMAT = 5;

/** The record a roster event is about; undefined for an event of another stream (a sync's, a cursor's). */
export function stateKeyOf(stored: Pick<StoredRosterEvent, 'streamId' | 'data'>): StateKey | undefined {
  const category = categoryOf(stored.streamId);
  const data = stored.data as { id?: string; sectionId?: string };
  if (category === 'user') return { category, id: data.id! };
  if (category === 'section') return { category, id: data.sectionId ?? data.id! };
  if ((PLAIN_CATEGORIES as readonly string[]).includes(category)) return { category: category as PlainCategory, id: data.id! };
  return undefined;
}

/** The category of a stream id: the part before the first dash. */
export function categoryOf(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash < 0 ? '' : streamId.slice(0, dash);
}

/**
 * What the ledger currently knows of one district: the last known version of every record and
 * whether it is shared now. Built by folding the district's events (`apply`); the snapshot diff
 * compares a new snapshot against it. Not thread-safe and not immutable: build one per sync.
 *
 * A record's state can also note the fingerprint of the snapshot bytes it was made from
 * (`setSource`), so that a reader meeting the same bytes again need not parse them (`recognise`).
 */
export class LedgerState {
  readonly records: Record<PlainCategory, Map<string, EntityState>> = {
    district: new Map(),
    school: new Map(),
    term: new Map(),
    course: new Map(),
  };
  /** Sections a snapshot saved, or a first import wrote ahead, may stay unread until asked for (see {@link SectionStates}). */
  readonly sections = new SectionStates();
  /** Users a snapshot saved may stay unread until asked for (see {@link UserStates}). */
  readonly users = new UserStates();

  /**
   * Folds one stored event in. Unknown types are ignored (they belong to later versions). Returns
   * the record it changed, so a caller can save just those records' state.
   */
  apply(stored: StoredRosterEvent): StateKey | undefined {
    const key = stateKeyOf(stored);
    if (key === undefined) return undefined;
    const { category, id } = key;
    const event = { type: stored.type, data: stored.data } as RosterEvent;
    // the record's clock: the newest of the one it had (a record shared again starts a new state
    // but keeps it) and the one this event gives
    const clock = newest(this.lastModifiedOf(category, id), clockOf(stored.metadata));
    // and it is no longer (only) what the bytes it was diffed from made
    const stamped = <S extends { lastModified?: string; source?: RecordSource }>(next: S): S => {
      const newer = newest(next.lastModified, clock);
      if (newer !== undefined) next.lastModified = newer;
      if (next.source !== undefined) delete next.source;
      return next;
    };
    if (category === 'user') {
      const next = evolveUser(this.users.get(id), stored.revision, event as UserEvent);
      if (next) this.users.set(id, stamped(next));
      return next && key;
    }
    if (category === 'section') {
      const next = evolveSection(this.sections.get(id), stored.revision, event as SectionEvent);
      if (next) this.sections.set(id, stamped(next));
      return next && key;
    }
    const next = evolveEntity(this.records[category].get(id), stored.revision, event);
    if (next) this.records[category].set(id, stamped(next));
    return next && key;
  }

  /** Clever's `last_modified` of the newest version of a record the ledger recorded, if Clever gave one. */
  lastModifiedOf(kind: RecordKind, id: string): string | undefined {
    if (kind === 'user') return this.users.get(id)?.lastModified;
    if (kind === 'section') return this.sections.get(id)?.lastModified;
    return this.records[kind].get(id)?.lastModified;
  }

  /**
   * Folds in a stream's planned events (a diff's change, recorded or about to be), numbered from
   * the revision the stream was expected at. Returns the records they changed.
   */
  applyChange(change: PlannedStreamEvents): StateKey[] {
    const first = change.expectedRevision === 'no_stream' ? 0 : change.expectedRevision + 1;
    const changed: StateKey[] = [];
    change.events.forEach((event, i) => {
      const metadata = event.metadata ?? clockMetadata(event);
      const key = this.apply({ streamId: change.streamId, revision: first + i, type: event.type, data: event.data, ...(metadata ? { metadata } : {}) });
      if (key) changed.push(key);
    });
    return changed;
  }

  /** A record's state as a snapshot stores it; undefined when the ledger has never known the record. */
  entry({ category, id }: StateKey): StateEntry | undefined {
    const state = this.stateOf(category, id);
    return state === undefined ? undefined : { category, id, state };
  }

  /** Every record's state, for a snapshot of the whole district. */
  *entries(): IterableIterator<StateEntry> {
    for (const category of PLAIN_CATEGORIES) for (const [id, state] of this.records[category]) yield { category, id, state };
    for (const [id, state] of this.sections) yield { category: 'section', id, state };
    for (const [id, state] of this.users) yield { category: 'user', id, state };
  }

  /** Puts back a record's state read from a snapshot (the reverse of `entry`). */
  restore({ category, id, state }: StateEntry): void {
    if (category === 'user') this.users.set(id, state as UserState);
    else if (category === 'section') this.sections.set(id, state as SectionState);
    else this.records[category].set(id, state as EntityState);
  }

  /** Puts back a user a snapshot saved, by its summary: its state is read only when a sync touches the user (see {@link UserStates}). */
  restoreUnreadUser(id: string, summary: UserSummary): void {
    this.users.restoreUnread(id, summary);
  }

  /** Puts back a section a snapshot saved, by its summary: its state is read only when a sync touches the section (see {@link SectionStates}). */
  restoreUnreadSection(id: string, summary: SectionSummary): void {
    this.sections.restoreUnread(id, summary);
  }

  /**
   * Keeps a user or section whose state was just saved (written ahead by a district's first
   * import) by its summary only: its state is read back if asked for. Without the fingerprint of
   * the bytes it was made from: a first import has nothing of its own to recognise (a record's
   * bytes met twice are a repeated id either way), and a million fingerprints would stay in memory
   * to its end for nothing.
   */
  keepWrittenAhead({ category, id, state }: StateEntry): void {
    if (category === 'user') {
      const { source: _source, ...summary } = summariseUser(state as UserState);
      this.users.restoreUnread(id, summary);
    } else if (category === 'section') {
      const { source: _source, ...summary } = summariseSection(state as SectionState);
      this.sections.restoreUnread(id, summary);
    }
  }

  /** Whether a user's or section's state is in memory (else it is saved, and known by its summary); always for other records. */
  isInMemory({ category, id }: StateKey): boolean {
    if (category === 'user') return this.users.isParsed(id);
    if (category === 'section') return this.sections.isParsed(id);
    return true;
  }

  /** `id` when the state of the record of `kind` with this id was made from bytes with this fingerprint, while it still is. */
  recognise(kind: RecordKind, id: string, fingerprint: string): string | undefined {
    return this.sourceOf({ category: kind, id })?.fingerprint === fingerprint ? id : undefined;
  }

  /** The snapshot bytes a record's state was made from, while it is exactly what they make. */
  sourceOf({ category, id }: StateKey): RecordSource | undefined {
    if (category === 'user') return this.users.sourceOf(id);
    if (category === 'section') return this.sections.sourceOf(id);
    return this.stateOf(category, id)?.source;
  }

  /**
   * Notes that a record's state is now exactly what the bytes with this source's fingerprint make:
   * call it once the events the diff planned for those bytes are folded in. False (nothing noted)
   * when the ledger holds no state of the record.
   */
  setSource({ category, id }: StateKey, source: RecordSource): boolean {
    const state = this.stateOf(category, id);
    if (state === undefined) return false;
    state.source = source;
    return true;
  }

  private stateOf(kind: RecordKind, id: string): EntityState | UserState | undefined {
    return kind === 'user' ? this.users.get(id) : kind === 'section' ? this.sections.get(id) : this.records[kind].get(id);
  }

  /** Active records of a kind (users: with at least one role). */
  activeCount(kind: RecordKind): number {
    if (kind === 'user') {
      let n = 0;
      for (const roles of this.users.roles()) if (roles.length > 0) n++;
      return n;
    }
    if (kind === 'section') return this.sections.activeCounts().sections;
    let n = 0;
    for (const e of this.records[kind].values()) if (e.active) n++;
    return n;
  }
}

/** The clock an event gives its record: the newer of its `cleverLastModified` and `removedAsOf`. */
function clockOf(metadata: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const text = (key: string): string | undefined => (typeof metadata?.[key] === 'string' ? (metadata[key] as string) : undefined);
  return newest(text('cleverLastModified'), text('removedAsOf'));
}

/** A planned event's clocks as the metadata it is appended with carries them. */
function clockMetadata(event: { cleverLastModified?: string; removedAsOf?: string }): Record<string, string> | undefined {
  const metadata: Record<string, string> = {};
  if (event.cleverLastModified !== undefined) metadata['cleverLastModified'] = event.cleverLastModified;
  if (event.removedAsOf !== undefined) metadata['removedAsOf'] = event.removedAsOf;
  return Object.keys(metadata).length > 0 ? metadata : undefined;
}

