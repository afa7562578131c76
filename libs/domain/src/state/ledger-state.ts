import type { Fields } from '../records/fields';
import { applyFieldChanges } from '../records/field-changes';
import type { RecordKind, RecordParts, UserRole } from '../records/roster-records';
import type { RosterEvent, SectionEvent } from '../events/roster-events';

/** A record's state as the ledger knows it, with the revision of its stream. */
export interface EntityState extends RecordParts {
  id: string;
  /** Revision of the record's stream (zero-based). */
  revision: number;
  active: boolean;
}

export interface SectionState extends EntityState {
  teachers: string[];
  primaryTeacher: string | null;
  students: string[];
}

export interface UserState {
  id: string;
  revision: number;
  /** The person's own fields (name, email), whichever role reported them. */
  personal: Fields;
  /** Active roles only. */
  roles: Partial<Record<UserRole, RecordParts>>;
  /** Every role this id ever held: a role that comes back is "shared again". */
  pastRoles: UserRole[];
}

/** User-level fields: they belong to the person, not to one role. */
export const USER_LEVEL_FIELDS: readonly string[] = ['name', 'email'];
const isUserLevel = (field: string): boolean => USER_LEVEL_FIELDS.includes(field);

/** An event as read back from the log: enough to fold it into the ledger state. */
export interface StoredRosterEvent {
  streamId: string;
  revision: number;
  type: string;
  data: unknown;
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
 * What the ledger currently knows of one district: the last known version of every record and
 * whether it is shared now. Built by folding the district's events (`apply`); the snapshot diff
 * compares a new snapshot against it. Not thread-safe and not immutable: build one per sync.
 */
export class LedgerState {
  readonly records: Record<Exclude<RecordKind, 'user' | 'section'>, Map<string, EntityState>> = {
    district: new Map(),
    school: new Map(),
    term: new Map(),
    course: new Map(),
  };
  readonly sections = new Map<string, SectionState>();
  readonly users = new Map<string, UserState>();

  /** Folds one stored event in. Unknown types are ignored (they belong to later versions). */
  apply(stored: StoredRosterEvent): void {
    const category = stored.streamId.slice(0, stored.streamId.indexOf('-'));
    const event = { type: stored.type, data: stored.data } as RosterEvent;
    if (category === 'user') this.applyUser(stored.revision, event);
    else if (category === 'section') this.applySection(stored.revision, event as SectionEvent);
    else if (category in this.records) {
      this.applyPlain(this.records[category as keyof LedgerState['records']], stored.revision, event);
    }
  }

  private applyPlain(map: Map<string, EntityState>, revision: number, event: RosterEvent): void {
    const id = 'id' in event.data ? event.data.id : undefined;
    if (id === undefined) return;
    const current = map.get(id);
    if (event.type.endsWith('Shared') && 'record' in event.data) {
      map.set(id, { id, revision, active: true, fields: event.data.record, personal: event.data.personal });
    } else if (current && event.type.endsWith('Updated') && 'changes' in event.data) {
      current.fields = applyFieldChanges(current.fields, event.data.changes);
      current.personal = applyFieldChanges(current.personal, event.data.personal);
      current.revision = revision;
    } else if (current && event.type.endsWith('Removed')) {
      current.active = false;
      current.revision = revision;
    }
  }

  private applySection(revision: number, event: SectionEvent): void {
    if (event.type === 'SectionShared' || event.type === 'SectionUpdated' || event.type === 'SectionRemoved') {
      const existing = this.sections.get(event.data.id);
      if (event.type === 'SectionShared' || existing) {
        const map = new Map<string, EntityState>(existing ? [[existing.id, existing]] : []);
        this.applyPlain(map, revision, event);
        const next = map.get(event.data.id)!;
        this.sections.set(event.data.id, {
          ...next,
          teachers: existing?.teachers ?? [],
          primaryTeacher: existing?.primaryTeacher ?? null,
          students: existing?.students ?? [],
        });
      }
      return;
    }
    const section = this.sections.get(event.data.sectionId);
    if (!section) return;
    section.revision = revision;
    switch (event.type) {
      case 'StudentEnrolled':
        if (!section.students.includes(event.data.studentId)) section.students.push(event.data.studentId);
        break;
      case 'StudentUnenrolled':
        section.students = section.students.filter((s) => s !== event.data.studentId);
        break;
      case 'TeacherAssigned':
        if (!section.teachers.includes(event.data.teacherId)) section.teachers.push(event.data.teacherId);
        if (event.data.primary) section.primaryTeacher = event.data.teacherId;
        break;
      case 'TeacherUnassigned':
        section.teachers = section.teachers.filter((t) => t !== event.data.teacherId);
        if (section.primaryTeacher === event.data.teacherId) section.primaryTeacher = null;
        break;
      case 'PrimaryTeacherChanged':
        section.primaryTeacher = event.data.to;
        break;
    }
  }

  private applyUser(revision: number, event: RosterEvent): void {
    const role = roleOfUserEvent(event.type);
    if (role === undefined || !('id' in event.data)) return;
    const id = event.data.id;
    let user = this.users.get(id);
    if (!user) {
      user = { id, revision, personal: {}, roles: {}, pastRoles: [] };
      this.users.set(id, user);
    }
    user.revision = revision;
    const data = event.data;
    if (event.type.endsWith('Shared') && 'record' in data) {
      const own: Fields = {};
      const rolePersonal: Fields = {};
      for (const [key, value] of Object.entries(data.personal)) (isUserLevel(key) ? own : rolePersonal)[key] = value;
      user.personal = own;
      user.roles[role] = { fields: data.record, personal: rolePersonal };
      if (!user.pastRoles.includes(role)) user.pastRoles.push(role);
      return;
    }
    const facet = user.roles[role];
    if (!facet) return;
    if (event.type.endsWith('Removed')) {
      delete user.roles[role];
      return;
    }
    if ('changes' in data) facet.fields = applyFieldChanges(facet.fields, data.changes);
    if ('personal' in data && !('record' in data)) {
      const own: typeof data.personal = {};
      const rolePersonal: typeof data.personal = {};
      for (const [path, change] of Object.entries(data.personal)) {
        (isUserLevel(path.split('.', 1)[0]!) ? own : rolePersonal)[path] = change;
      }
      user.personal = applyFieldChanges(user.personal, own);
      facet.personal = applyFieldChanges(facet.personal, rolePersonal);
    }
  }

  /** Active records of a kind (users: with at least one role). */
  activeCount(kind: RecordKind): number {
    if (kind === 'user') return [...this.users.values()].filter((u) => Object.keys(u.roles).length > 0).length;
    const map = kind === 'section' ? this.sections : this.records[kind];
    let n = 0;
    for (const e of map.values()) if (e.active) n++;
    return n;
  }
}
