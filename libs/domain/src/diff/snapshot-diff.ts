import type { FieldChanges } from '../records/fields';
import { bothCoverages, withoutUnread, withUnreadHeld, type PartialCoverage } from './partial-coverage';
import { diffFields, isEmpty, mergedFields, partitionChanges, topField } from '../records/field-changes';
import {
  DEMOGRAPHIC_FIELDS,
  streamIdOf,
  USER_ROLES,
  type RecordKind,
  type RosterRecord,
  type SectionRecord,
  type UserRecord,
  type UserRole,
} from '../records/roster-records';
import type { RosterEvent, RosterEventType } from '../events/roster-events';
import type { SyncFindings } from '../events/sync-events';
import { SyncEventIds } from '../events/sync-event-ids';
import { InvalidInput, type InputLocation } from '../errors/domain-error';
import { sharedTally, type ChangeTally, type GuardedType } from '../guard/mass-change-guard';
import { splitPersonal, USER_LEVEL_FIELDS, type LedgerState, type SectionState, type StateKey, type UserState } from '../state/ledger-state';
import type { RecordSource } from '../state/record-source';
import type { SectionReferences } from '../state/section-states';
import { roleSchools } from '../state/user-states';
import { activeTally } from '../state/active-tally';
import { noFindings, noteEndsBeforeStart, noteMismatch, noteUnknownValues, noteUnnamed, noteUnpaired, noteUnresolved } from '../sync/sync-findings';

/** A roster event the diff decided on, with its deterministic id. */
export type PlannedEvent = RosterEvent & {
  id: string;
  /** Clever's `last_modified` of the record that caused it, when Clever gave one. */
  cleverLastModified?: string;
  /** The Clever event that reported the change (incremental syncs). */
  cleverEventId?: string;
  /**
   * On the events of a removal a complete snapshot implied (the record absent from it): the
   * ledger's time the snapshot's view was complete, when the sync gave one (see
   * {@link SnapshotDiff.finish}). The record's state takes it as its clock, so an older version
   * reported later (events overlapping the sync) does not share it again.
   */
  removedAsOf?: string;
};

/** All the events one stream gets from a sync, with the revision the stream must be at. */
export interface StreamChange {
  streamId: string;
  expectedRevision: number | 'no_stream';
  events: PlannedEvent[];
}

export interface DiffContext {
  syncId: string;
  districtId: string;
  /**
   * Where the sync's district was taken from, for the refusal of a record of another district
   * (`the first record read, districts.json, record #1`): a folder whose districts.json names
   * another district than its other files is told as that, not as the other files' fault.
   * Default: the district the sync was asked for.
   */
  districtFrom?: string;
  /** Kinds the snapshot covers. Records of other kinds are left as they are (never removed). */
  kinds: readonly RecordKind[];
  /** Roles and fields of those kinds the snapshot does not have: left as they are, counted in `findings.kept`. */
  partial?: PartialCoverage;
  /**
   * Where the ids of the planned events come from. Diffs planning events of one sync that are all
   * appended must share one (an incremental sync diffs each change on its own): two sequences of
   * the same sync hand out the same ids. Default: a sequence of this diff's own.
   */
  eventIds?: SyncEventIds;
}

/** A change set before the guard's view of it: what {@link SnapshotDiff.planned} returns. */
export interface PlannedChanges {
  /** Streams in the order they were first touched; events in order within each stream. */
  changes: StreamChange[];
  counts: Partial<Record<RosterEventType, number>>;
  eventCount: number;
  findings: SyncFindings;
  /** Records removed and updated, per guarded type. */
  removed: Partial<Record<GuardedType, number>>;
  updated: Partial<Record<GuardedType, number>>;
}

/**
 * A record the diff read, and the bytes it was read from: its state may note them (see
 * {@link notesSource}) once the events planned for it are folded in.
 */
export interface SourcedRecord {
  key: StateKey;
  source: RecordSource;
  record: RosterRecord;
  /**
   * What the record's own source does not give (see {@link SnapshotDiff.add}): the same bytes
   * always give the same (a saved answer's version is in them), so the check that they settle the
   * state leaves those fields as the diff did.
   */
  partial?: PartialCoverage;
}

export interface DiffResult {
  /**
   * Streams in the order they were first touched; events in order within each stream. Only those
   * not yet handed over by `SnapshotDiff.takePlanned` (the counts and tally cover the whole sync).
   */
  changes: StreamChange[];
  /** Planned roster events by type. */
  counts: Partial<Record<RosterEventType, number>>;
  eventCount: number;
  findings: SyncFindings;
  tally: ChangeTally;
}

const PLAIN_TYPE_PREFIX = { district: 'District', school: 'School', term: 'Term', course: 'Course' } as const;
type PlainKind = keyof typeof PLAIN_TYPE_PREFIX;
const ROLE_TYPE_PREFIX: Record<UserRole, 'Student' | 'Teacher' | 'Staff' | 'DistrictAdmin'> = {
  student: 'Student',
  teacher: 'Teacher',
  staff: 'Staff',
  district_admin: 'DistrictAdmin',
};

/**
 * The snapshot diff: given what the ledger knows of a district and a complete view of what the
 * district shares now, decides the events that record the difference. Pure and deterministic:
 * same state, same records in the same order, same context = same events with the same ids.
 *
 * Records are fed one at a time (`add`) so that a snapshot of any size can be streamed through
 * it; `finish()` then adds the removals (ids the ledger holds that the snapshot no longer shows)
 * and returns the change set, or the part of it `takePlanned` has not handed over yet. The diff
 * only reads the state; a caller taking planned changes as it goes may fold them into it.
 *
 * Rules worth knowing:
 * - a record that re-appears after removal is `*Shared` again with `sharedAgain: true`;
 * - a user's roles are facets: each role is shared, updated and removed on its own; the person's
 *   own fields (name, email) are reported in the update of their first role (in the order
 *   student, teacher, staff, district_admin) held both before and after;
 * - student demographic changes go to DemographicUpdated, never StudentUpdated;
 * - section membership becomes StudentEnrolled/Unenrolled and TeacherAssigned/Unassigned;
 *   a change of primary teacher among assigned teachers is PrimaryTeacherChanged;
 *   a removed section first unenrolls and unassigns everyone, so that rosters as of a date stay exact;
 * - references to schools, terms, courses or users that neither the snapshot nor the ledger
 *   knows are kept as ids and counted in `findings.unresolved`, not rejected.
 */
export class SnapshotDiff {
  private readonly streams = new Map<string, StreamChange>();
  /** Streams with events planned since the last `takePlanned`, in the order they got their first one. */
  private fresh: StreamChange[] = [];
  /** Active records per guarded type before this sync: counted before any taken change is folded in. */
  private activeBefore: Partial<Record<GuardedType, number>> | undefined;
  private readonly counts: Partial<Record<RosterEventType, number>> = {};
  private eventCount = 0;
  private readonly seen: Record<RecordKind, Set<string>> = {
    district: new Set(),
    school: new Set(),
    term: new Set(),
    course: new Set(),
    user: new Set(),
    section: new Set(),
  };
  /** Ids records refer to that the snapshot had not shown when they were referred to (see `reference`). */
  private readonly referenced: Record<'school' | 'term' | 'course' | 'user', Set<string>> = {
    school: new Set(),
    term: new Set(),
    course: new Set(),
    user: new Set(),
  };
  /** Unchanged sections whose source says the ledger knew all their users (see `addUnchanged`). */
  private readonly sectionsOfKnownUsers: string[] = [];
  private readonly findings = noFindings();
  /** Records added with their source since the last `takeSources`, whose state does not have it yet. */
  private sources: SourcedRecord[] = [];
  private readonly removed: Partial<Record<GuardedType, number>> = {};
  private readonly updated: Partial<Record<GuardedType, number>> = {};
  private finished = false;
  /** Planning the removal of everything (removeAll), roles the feed does not give included. */
  private removingAll = false;
  /** While the removals of absent records are planned: their `removedAsOf`. */
  private removedAsOf: string | undefined;
  /** While a record is diffed: what neither the snapshot nor the record's own source gives (see `add`). */
  private coverage: PartialCoverage | undefined;
  /**
   * The users this snapshot shows without a student role (with the roles they have), and those
   * with a teacher role: a section's new members are checked against them (see `checkMember`).
   * A few percent of a district's users each.
   */
  private readonly shownNotStudents = new Map<string, readonly string[]>();
  private readonly shownTeachers = new Set<string>();
  /** The users this snapshot shows as contacts alone (read and skipped): never a section's member either. */
  private readonly shownContacts = new Set<string>();
  /** The snapshot's `partial` with each record source's: a few sources, shared by many records. */
  private readonly coverages = new Map<PartialCoverage, PartialCoverage | undefined>();

  private readonly eventIds: SyncEventIds;

  constructor(
    private readonly state: LedgerState,
    private readonly context: DiffContext,
  ) {
    this.eventIds = context.eventIds ?? new SyncEventIds(context.syncId);
  }

  /**
   * Diffs one record of the snapshot. `source`: the fingerprint of the bytes it was read from (and
   * the unknown values they held), for the state to note once its planned events are folded in
   * (see {@link takeSources}). `partial`: what the record's own source does not give beyond the
   * snapshot's `partial` (a record of a saved v3.0 API answer has no v3.1 field), left as the
   * ledger has it in the same way.
   * @throws InvalidInput for a record of another district or a repeated id.
   */
  add(record: RosterRecord, origin: InputLocation = {}, source?: RecordSource, partial?: PartialCoverage): void {
    if (this.finished) throw new Error('SnapshotDiff.add after finish');
    if (record.districtId !== this.context.districtId) {
      const from = this.context.districtFrom ?? 'the district this sync was asked for';
      // two districts in the files only when the sync took its district from them
      const why = this.context.districtFrom === undefined ? 'the snapshot is of another district than the one asked for' : "the snapshot's files name two districts";
      const rule =
        record.kind === 'district'
          ? `this is district ${record.id}, but this sync is for district ${this.context.districtId} (${from})`
          : `record belongs to district ${record.districtId}, but this sync is for district ${this.context.districtId} (${from}): ${why}`;
      throw new InvalidInput(rule, { ...origin, recordId: record.id, field: 'district' });
    }
    this.see(record.kind, record.id, origin);
    this.coverage = partial === undefined ? this.context.partial : this.coverageWith(partial);
    switch (record.kind) {
      case 'user':
        this.noteRoles(record.id, Object.keys(record.roles));
        this.diffUser(record);
        break;
      case 'section':
        this.diffSection(record, origin);
        break;
      default:
        this.diffPlain(record.kind, record);
    }
    const key = { category: record.kind, id: record.id };
    if (source !== undefined && this.state.sourceOf(key)?.fingerprint !== source.fingerprint) this.sources.push({ key, source, record, ...(partial === undefined ? {} : { partial }) });
  }

  private coverageWith(partial: PartialCoverage): PartialCoverage | undefined {
    if (!this.coverages.has(partial)) this.coverages.set(partial, bothCoverages(this.context.partial, partial));
    return this.coverages.get(partial);
  }

  /**
   * Takes in a record the reader did not parse because the ledger recognised its bytes (see
   * `LedgerState.recognise`): its state is exactly what they make, so nothing is planned. It counts
   * as seen, with the references and unknown values its bytes hold, as if it had been diffed.
   * @throws InvalidInput for a repeated id.
   */
  addUnchanged(kind: RecordKind, id: string, origin: InputLocation = {}): void {
    if (this.finished) throw new Error('SnapshotDiff.addUnchanged after finish');
    const source = this.state.sourceOf({ category: kind, id });
    if (source === undefined) throw new Error(`SnapshotDiff.addUnchanged: the ledger holds no source for ${kind} ${id}`);
    this.see(kind, id, origin);
    if (kind === 'user') {
      this.noteRoles(id, this.state.users.rolesOf(id)!);
      for (const school of this.state.users.schoolsOf(id)!) this.reference('school', school);
    } else if (kind === 'section') {
      if (source.listsKnownUsers && this.context.kinds.includes('user')) {
        // its users are known to the ledger: unresolved only if this snapshot no longer shows
        // them, which is asked once every user is seen (a million look-ups fewer at a million
        // students), and the section is not read (its summary names its school, term and course)
        this.noteFieldReferences(this.state.sections.referencesOf(id)!);
        this.sectionsOfKnownUsers.push(id);
      } else {
        this.noteSectionReferences(this.state.sections.get(id)!);
      }
    }
    if (source.unknownValues !== undefined) this.noteUnknownValues(source.unknownValues, { ...origin, recordId: id });
  }

  /**
   * Hands over the records added with a source their state does not note yet, and forgets them.
   * Note each one (`notesSource`) once the events taken with it are folded in: take both at the
   * same time.
   */
  takeSources(): SourcedRecord[] {
    const taken = this.sources;
    this.sources = [];
    return taken;
  }

  /** Notes the roles a user of the snapshot has, for `checkMember`. */
  private noteRoles(id: string, roles: readonly string[]): void {
    if (!roles.includes('student')) this.shownNotStudents.set(id, roles);
    if (roles.includes('teacher')) this.shownTeachers.add(id);
  }

  /**
   * Refuses a section's new member whose user the snapshot shows without the role the list
   * names: Clever lists students in `students` and teachers in `teachers` only, and read as given,
   * a teacher would be enrolled as a student of the class (or a student assigned as its teacher)
   * without a word. Only against the snapshot's own users: the ledger's roles may be older than
   * the section (a person given the teacher role since, in a snapshot of sections alone). A member
   * the snapshot does not show is an unresolved reference, or one the ledger holds, as ever.
   * @throws InvalidInput at the section, naming the list.
   */
  private checkMember(id: string, as: 'student' | 'teacher', origin: InputLocation, sectionId: string): void {
    const contact = this.shownContacts.has(id);
    if (!contact && !this.seen.user.has(id)) return;
    if (!contact && (as === 'student' ? !this.shownNotStudents.has(id) : this.shownTeachers.has(id))) return;
    const roles = contact ? ['contact'] : this.shownNotStudents.get(id);
    const list = as === 'student' ? 'students' : 'teachers';
    const has = roles === undefined ? `no ${as} role` : `the role${roles.length === 1 ? '' : 's'} ${roles.join(', ')}, not ${as}`;
    throw new InvalidInput(
      `the section lists user ${id} among its ${list}, but the user has ${has}: Clever lists only ${as}s there, and read as given, the user would be ${as === 'student' ? 'enrolled as a student of' : 'assigned as a teacher of'} the class`,
      { ...origin, recordId: sectionId, field: list },
    );
  }

  /** Marks a record of the snapshot as seen. @throws InvalidInput for a kind the snapshot does not cover, or an id seen before. */
  private see(kind: RecordKind, id: string, origin: InputLocation): void {
    if (!this.context.kinds.includes(kind)) {
      throw new InvalidInput(`a ${kind} record in a snapshot that does not cover ${kind}s`, origin);
    }
    const seen = this.seen[kind];
    if (seen.has(id)) throw new InvalidInput(`${kind} id ${id} appears twice in the snapshot`, { ...origin, recordId: id });
    seen.add(id);
  }

  /**
   * The ids the records added so far refer to (schools, terms, courses, members) that this diff
   * had not seen when they were referred to: for an incremental diff, which diffs each change
   * alone, to check against the ledger once its whole batch is applied (see IncrementalDiff).
   */
  references(): Readonly<Record<'school' | 'term' | 'course' | 'user', ReadonlySet<string>>> {
    return this.referenced;
  }

  /**
   * Counts a record that was read but is not recorded (e.g. a contact). A contact's id (in
   * `origin`) is noted: a section listing it is refused as one listing a teacher among its students.
   */
  skip(reason: string, origin?: InputLocation): void {
    this.findings.skipped[reason] = (this.findings.skipped[reason] ?? 0) + 1;
    if (reason === 'contact' && origin?.recordId !== undefined) this.shownContacts.add(origin.recordId);
  }

  /**
   * Counts values outside Clever's enumerations or formats that one record held, kept raw, e.g.
   * `student.gender`, `student.dob`; `at`: where the record was read, with its id.
   */
  noteUnknownValues(fields: readonly string[], at: InputLocation): void {
    noteUnknownValues(this.findings, fields, at);
  }

  /** Counts a value that disagrees with another file's, that file's taken (see SyncFindings.mismatched); `at`: where it was read. */
  noteMismatch(what: string, at: InputLocation): void {
    noteMismatch(this.findings, what, at);
  }

  /** Counts a record its file gives no name (see SyncFindings.unnamed), by kind; `at`: where it was read, with its id. */
  noteUnnamed(kind: RecordKind, at: InputLocation): void {
    noteUnnamed(this.findings, kind, at);
  }

  /** Counts a person kept apart from another of the same email (see SyncFindings.unpaired); `at`: where it was read, with its id. */
  noteUnpaired(what: string, at: InputLocation): void {
    noteUnpaired(this.findings, what, at);
  }

  /** Counts a record that ends before it starts (see SyncFindings.endsBeforeStart), by kind; `at`: where it was read, with its id. */
  noteEndsBeforeStart(kind: RecordKind, at: InputLocation): void {
    noteEndsBeforeStart(this.findings, kind, at);
  }

  /**
   * Hands over the events planned since the last call, per stream, and forgets those streams: a
   * caller that stores them as it goes (a large first import) keeps memory bounded, down to the
   * diff's own bookkeeping (a million students: a million streams). Nothing is planned on a
   * stream once handed over: every event goes to the stream of the record being diffed, a record
   * is diffed once (a repeated id is refused) and the removals at `finish` are of records not
   * diffed. The caller may fold what it takes into the state (a record is never read again once
   * diffed); the guard's count of active records is taken before the first hand-over.
   */
  takePlanned(): StreamChange[] {
    this.activeBefore ??= activeTally(this.state);
    const taken = this.fresh;
    for (const change of taken) this.streams.delete(change.streamId);
    this.fresh = [];
    return taken;
  }

  /**
   * Adds the removals and returns the change set: the complete one, or what `takePlanned` has not handed over yet.
   * `removedAsOf`: when the snapshot's view was complete (after its last read), on the ledger's
   * clock; stamped on the events of the removals of absent records (see {@link PlannedEvent.removedAsOf}).
   * Give it only for a view comparable with Clever's `last_modified` (Clever's Data API read now).
   */
  finish(options: { removedAsOf?: string } = {}): DiffResult {
    if (!this.finished) {
      this.finished = true;
      this.activeBefore ??= activeTally(this.state);
      this.removedAsOf = options.removedAsOf;
      this.planRemovals();
      this.removedAsOf = undefined;
      this.countUnresolved();
    }
    return {
      changes: [...this.streams.values()].filter((change) => change.events.length > 0),
      counts: this.counts,
      eventCount: this.eventCount,
      findings: this.findings,
      tally: { active: this.activeBefore ?? {}, removed: this.removed, updated: this.updated, shared: sharedTally(this.counts) },
    };
  }

  /**
   * Plans the removal of every record the ledger holds as shared, the district's own among them:
   * a district that has left the app's scope (Clever's `districts.deleted`: unshared or deleted)
   * takes its schools, terms, courses, people and classes with it, as a full sync of nothing would.
   */
  removeAll(): void {
    // every role goes: a role the feed does not give is no less of the district
    this.removingAll = true;
    try {
      this.planRemovals();
    } finally {
      this.removingAll = false;
    }
  }

  /**
   * Plans the removal of one record the ledger holds (an incremental sync's `*.deleted`): a no-op
   * when the ledger does not hold it as shared.
   */
  remove(kind: RecordKind, id: string): void {
    this.seen[kind].add(id);
    if (kind === 'section') {
      const section = this.state.sections.get(id);
      if (section?.active) this.planSectionRemoval(section);
    } else if (kind === 'user') {
      const user = this.state.users.get(id);
      if (user) this.planUserRemoval(user);
    } else {
      const entity = this.state.records[kind].get(id);
      if (!entity?.active) return;
      this.bump(this.removed, kind);
      this.emit(streamIdOf(kind, id), entity, undefined, { type: `${PLAIN_TYPE_PREFIX[kind]}Removed`, data: { id } } as RosterEvent);
    }
  }

  /**
   * The change set so far, without the removals a complete snapshot implies (for an incremental
   * sync, where an absent record is merely unchanged) and without the count of active records:
   * that count walks the whole state, which an incremental sync diffing one change at a time
   * cannot afford per change (it counts once, before its first change).
   */
  planned(): PlannedChanges {
    return {
      changes: [...this.streams.values()],
      counts: this.counts,
      eventCount: this.eventCount,
      findings: this.findings,
      removed: this.removed,
      updated: this.updated,
    };
  }

  private diffPlain(kind: PlainKind, record: RosterRecord): void {
    const prefix = PLAIN_TYPE_PREFIX[kind];
    const before = this.state.records[kind].get(record.id);
    const stream = streamIdOf(kind, record.id);
    if (!before?.active) {
      this.emit(stream, before, record.lastModified, {
        type: `${prefix}Shared`,
        data: { id: record.id, record: record.fields, personal: record.personal, sharedAgain: before !== undefined },
      } as RosterEvent);
      return;
    }
    const dropped = new Set<string>();
    const unread = this.coverage?.fields?.[kind];
    const changes = withoutUnread(diffFields(before.fields, record.fields), unread, dropped);
    const personal = withoutUnread(diffFields(before.personal, record.personal), unread, dropped);
    this.noteKept(dropped);
    if (isEmpty(changes) && isEmpty(personal)) return;
    this.bump(this.updated, kind);
    this.emit(stream, before, record.lastModified, {
      type: `${prefix}Updated`,
      data: { id: record.id, changes, personal },
    } as RosterEvent);
  }

  private diffUser(record: UserRecord): void {
    for (const school of roleSchools(record.roles)) this.reference('school', school);
    const before = this.state.users.get(record.id);
    const stream = streamIdOf('user', record.id);
    const unlisted = this.coverage?.roles ?? {};
    const lead = USER_ROLES.find((r) => unlisted[r] === undefined && record.roles[r] && before?.roles[r]);
    const dropped = new Set<string>();
    for (const role of USER_ROLES) {
      const now = record.roles[role];
      const then = before?.roles[role];
      const prefix = ROLE_TYPE_PREFIX[role];
      if (unlisted[role] !== undefined) {
        // no file lists this role: what the ledger holds of it stands
        if (then) dropped.add(unlisted[role]);
        continue;
      }
      if (now && !then) {
        let personal = mergedFields(record.personal, now.personal);
        // the event replaces the person's own fields: those no file gives stay as the ledger has them
        // (a person with no role left is shared as the record has them, as a re-shared school is)
        if (before && Object.keys(before.roles).length > 0) personal = withUnreadHeld(personal, before.personal, this.unreadPersonFields(record), dropped);
        this.emit(stream, before, record.lastModified, {
          type: `${prefix}Shared`,
          data: { id: record.id, record: now.fields, personal, sharedAgain: before?.pastRoles.includes(role) ?? false },
        } as RosterEvent);
      } else if (now && then) {
        const unread = this.coverage?.fields?.[role];
        const changes = withoutUnread(diffFields(then.fields, now.fields, { unordered: UNORDERED_ROLE_FIELDS }), unread, dropped);
        // the record's personal data split as the role's *Shared event filed it in the state
        const { own, role: rolePersonal } = splitPersonal(mergedFields(record.personal, now.personal));
        let personal = diffFields(then.personal, rolePersonal);
        if (role === lead) personal = { ...diffFields(before!.personal, own), ...personal };
        personal = withoutUnread(personal, unread, dropped);
        let demographic: FieldChanges = {};
        if (role === 'student') [demographic, personal] = partitionChanges(personal, (f) => DEMOGRAPHIC_FIELDS.includes(f));
        if (!isEmpty(changes) || !isEmpty(personal)) {
          this.emit(stream, before, record.lastModified, {
            type: `${prefix}Updated`,
            data: { id: record.id, changes, personal },
          } as RosterEvent);
        }
        if (!isEmpty(demographic)) {
          this.emit(stream, before, record.lastModified, {
            type: 'DemographicUpdated',
            data: { id: record.id, personal: demographic },
          });
        }
        if (!isEmpty(changes) || !isEmpty(personal) || !isEmpty(demographic)) this.bump(this.updated, role);
      } else if (!now && then) {
        this.bump(this.removed, role);
        this.emit(stream, before, record.lastModified, {
          type: `${prefix}Removed`,
          data: { id: record.id },
        } as RosterEvent);
      }
    }
    this.noteKept(dropped);
  }

  /** The person-level fields (name, email) no file gives, of the roles a user record has. */
  private unreadPersonFields(record: UserRecord): [path: string, label: string][] {
    const unread: [string, string][] = [];
    for (const role of USER_ROLES) {
      const fields = record.roles[role] && this.coverage?.fields?.[role];
      if (fields) for (const [path, label] of Object.entries(fields)) if (USER_LEVEL_FIELDS.includes(topField(path))) unread.push([path, label]);
    }
    return unread;
  }

  private diffSection(record: SectionRecord, origin: InputLocation): void {
    const before = this.state.sections.get(record.id);
    const stream = streamIdOf('section', record.id);
    const at = record.lastModified;
    const sectionId = record.id;
    this.noteSectionReferences(record);

    const primary = record.teachers[0] ?? null;
    if (!before?.active) {
      this.emit(stream, before, at, {
        type: 'SectionShared',
        data: { id: sectionId, record: record.fields, personal: record.personal, sharedAgain: before !== undefined },
      });
      record.teachers.forEach((teacherId, i) => {
        this.checkMember(teacherId, 'teacher', origin, sectionId);
        this.emit(stream, before, at, { type: 'TeacherAssigned', data: { sectionId, teacherId, primary: i === 0 } });
      });
      for (const studentId of record.students) {
        this.checkMember(studentId, 'student', origin, sectionId);
        this.emit(stream, before, at, { type: 'StudentEnrolled', data: { sectionId, studentId } });
      }
      return;
    }

    const dropped = new Set<string>();
    const unread = this.coverage?.fields?.section;
    const changes = withoutUnread(diffFields(before.fields, record.fields), unread, dropped);
    const personal = withoutUnread(diffFields(before.personal, record.personal), unread, dropped);
    this.noteKept(dropped);
    if (!isEmpty(changes) || !isEmpty(personal)) {
      this.bump(this.updated, 'section');
      this.emit(stream, before, at, { type: 'SectionUpdated', data: { id: sectionId, changes, personal } });
    }
    let currentPrimary = before.primaryTeacher;
    const teachersNow = new Set(record.teachers);
    for (const teacherId of before.teachers) {
      if (teachersNow.has(teacherId)) continue;
      this.emit(stream, before, at, { type: 'TeacherUnassigned', data: { sectionId, teacherId, primary: teacherId === before.primaryTeacher } });
      if (currentPrimary === teacherId) currentPrimary = null;
    }
    const teachersBefore = new Set(before.teachers);
    for (const teacherId of record.teachers) {
      if (teachersBefore.has(teacherId)) continue;
      this.checkMember(teacherId, 'teacher', origin, sectionId);
      const isPrimary = teacherId === primary;
      this.emit(stream, before, at, { type: 'TeacherAssigned', data: { sectionId, teacherId, primary: isPrimary } });
      if (isPrimary) currentPrimary = teacherId;
    }
    if (currentPrimary !== primary) {
      this.emit(stream, before, at, { type: 'PrimaryTeacherChanged', data: { sectionId, from: currentPrimary, to: primary } });
    }
    const studentsNow = new Set(record.students);
    for (const studentId of before.students) {
      if (studentsNow.has(studentId)) continue;
      this.bump(this.removed, 'enrollment');
      this.emit(stream, before, at, { type: 'StudentUnenrolled', data: { sectionId, studentId } });
    }
    const studentsBefore = new Set(before.students);
    for (const studentId of record.students) {
      if (!studentsBefore.has(studentId)) {
        this.checkMember(studentId, 'student', origin, sectionId);
        this.emit(stream, before, at, { type: 'StudentEnrolled', data: { sectionId, studentId } });
      }
    }
  }

  /** A section's references to its school, term, course and members (a record's, or a state made from one). */
  private noteSectionReferences(section: Pick<SectionRecord, 'fields' | 'teachers' | 'students'>): void {
    this.noteFieldReferences(section.fields);
    for (const member of section.teachers) this.reference('user', member);
    for (const member of section.students) this.reference('user', member);
  }

  /** A section's references to its school, term and course. */
  private noteFieldReferences(fields: SectionRecord['fields'] | SectionReferences): void {
    for (const [kind, field] of [['school', 'school'], ['term', 'term_id'], ['course', 'course']] as const) {
      const ref = fields[field];
      if (typeof ref === 'string') this.reference(kind, ref);
    }
  }

  /**
   * Keeps a reference for the unresolved count, unless the snapshot showed its target already (it
   * stays known: files come in dependency order, so a million enrolments mostly end here).
   */
  private reference(kind: 'school' | 'term' | 'course' | 'user', id: string): void {
    if (!this.seen[kind].has(id)) this.referenced[kind].add(id);
  }

  private planRemovals(): void {
    const covers = (kind: RecordKind) => this.context.kinds.includes(kind);
    for (const kind of ['district', 'school', 'term', 'course'] as const) {
      if (!covers(kind)) continue;
      for (const entity of this.state.records[kind].values()) {
        if (!entity.active || this.seen[kind].has(entity.id)) continue;
        this.bump(this.removed, kind);
        this.emit(streamIdOf(kind, entity.id), entity, undefined, {
          type: `${PLAIN_TYPE_PREFIX[kind]}Removed`,
          data: { id: entity.id },
        } as RosterEvent);
      }
    }
    if (covers('user')) {
      // by id: the users this snapshot shows need not be parsed
      for (const id of this.state.users.keys()) {
        // a user removed before (no role left) is not read: most of a district's past
        if (!this.seen.user.has(id) && this.state.users.rolesOf(id)!.length > 0) this.planUserRemoval(this.state.users.get(id)!);
      }
    }
    if (covers('section')) {
      // by id, as users: the sections this snapshot shows need not be read
      for (const id of this.state.sections.keys()) {
        if (!this.seen.section.has(id) && this.state.sections.isActive(id)) this.planSectionRemoval(this.state.sections.get(id)!);
      }
    }
  }

  private planUserRemoval(user: UserState): void {
    const unlisted = this.removingAll ? {} : (this.context.partial?.roles ?? {});
    for (const role of USER_ROLES) {
      if (!user.roles[role]) continue;
      const label = unlisted[role];
      if (label !== undefined) {
        this.noteKept(new Set([label]));
        continue;
      }
      this.bump(this.removed, role);
      this.emit(streamIdOf('user', user.id), user, undefined, {
        type: `${ROLE_TYPE_PREFIX[role]}Removed`,
        data: { id: user.id },
      } as RosterEvent);
    }
  }

  private planSectionRemoval(section: SectionState): void {
    const stream = streamIdOf('section', section.id);
    const sectionId = section.id;
    this.bump(this.removed, 'section');
    for (const studentId of section.students) {
      this.bump(this.removed, 'enrollment');
      this.emit(stream, section, undefined, { type: 'StudentUnenrolled', data: { sectionId, studentId } });
    }
    for (const teacherId of section.teachers) {
      this.emit(stream, section, undefined, { type: 'TeacherUnassigned', data: { sectionId, teacherId, primary: teacherId === section.primaryTeacher } });
    }
    this.emit(stream, section, undefined, { type: 'SectionRemoved', data: { id: sectionId } });
  }

  /** Referenced ids known neither to this snapshot nor (for kinds it does not cover) to the ledger. */
  private countUnresolved(): void {
    if (this.sectionsOfKnownUsers.length > 0) {
      // the users the ledger knows that this snapshot does not show: few, and all the users of
      // `sectionsOfKnownUsers` that can be unresolved (none, most days: then no section is read)
      const absent = new Set<string>();
      for (const id of this.state.users.keys()) if (!this.seen.user.has(id)) absent.add(id);
      if (absent.size > 0) for (const id of this.state.sections.usersListed(this.sectionsOfKnownUsers, absent)) this.referenced.user.add(id);
    }
    for (const kind of ['school', 'term', 'course', 'user'] as const) {
      for (const id of this.referenced[kind]) if (!this.isKnown(kind, id)) noteUnresolved(this.findings, kind, id);
    }
  }

  private isKnown(kind: 'school' | 'term' | 'course' | 'user', id: string): boolean {
    if (this.context.kinds.includes(kind)) return this.seen[kind].has(id);
    if (kind === 'user') return (this.state.users.rolesOf(id)?.length ?? 0) > 0;
    return this.state.records[kind].get(id)?.active ?? false;
  }

  /** Counts a record of which something the snapshot did not have was left as it was, once per label. */
  private noteKept(labels: ReadonlySet<string>): void {
    for (const label of labels) this.findings.kept[label] = (this.findings.kept[label] ?? 0) + 1;
  }

  private bump(tally: Partial<Record<GuardedType, number>>, type: GuardedType): void {
    tally[type] = (tally[type] ?? 0) + 1;
  }

  /** Plans one event on a stream (always that of the record being diffed: see `takePlanned`), with the sync's next event id. */
  private emit(
    streamId: string,
    before: { revision: number } | undefined,
    cleverLastModified: string | undefined,
    event: RosterEvent,
  ): void {
    let change = this.streams.get(streamId);
    if (!change) {
      change = { streamId, expectedRevision: before ? before.revision : 'no_stream', events: [] };
      this.streams.set(streamId, change);
    }
    if (change.events.length === 0) this.fresh.push(change);
    // built whole, not spread: a spread at a call site that sees every event type takes V8's slow
    // path (4 s of a million students' first import)
    const planned = { type: event.type, data: event.data, id: this.eventIds.take() } as PlannedEvent;
    if (cleverLastModified !== undefined) planned.cleverLastModified = cleverLastModified;
    if (this.removedAsOf !== undefined) planned.removedAsOf = this.removedAsOf;
    change.events.push(planned);
    this.counts[event.type] = (this.counts[event.type] ?? 0) + 1;
    this.eventCount++;
  }
}

/**
 * A role's fields that are sets: a user's schools, and a staff member's permission roles. Clever
 * lists them in no promised order, and a CSV feed in the order of its rows, so a district that
 * re-sorts its files would otherwise show every such user as changed.
 */
export const UNORDERED_ROLE_FIELDS: ReadonlySet<string> = new Set(['schools', 'roles']);

/**
 * Notes on a record's state the bytes it was read from, when diffing the record against the state
 * now plans nothing: then the state is exactly what the bytes make, and a sync that meets the same
 * bytes again may skip them. Call it once the events planned for the record are folded in. A
 * record the diff's events do not settle (a shape the events cannot carry whole) gets no source,
 * and is read and diffed on every sync, as before. True when noted.
 */
export function notesSource(state: LedgerState, { key, source, record, partial }: SourcedRecord): boolean {
  const check = new SnapshotDiff(state, { syncId: 'source-check', districtId: record.districtId, kinds: [record.kind], ...(partial === undefined ? {} : { partial }) });
  check.add(record);
  if (check.planned().eventCount > 0) return false;
  const listsKnownUsers = record.kind === 'section' && [...record.teachers, ...record.students].every((id) => state.users.has(id));
  return state.setSource(key, listsKnownUsers ? { ...source, listsKnownUsers } : source);
}

/** A whole snapshot in memory: for specs (a sync streams its records through SnapshotDiff instead). */
export interface Snapshot {
  kinds: readonly RecordKind[];
  records: readonly RosterRecord[];
  /** When the view was complete, for the removals it implies (see {@link SnapshotDiff.finish}). */
  completeAt?: string;
}

/** Diffs a whole in-memory snapshot in one call. */
export function diffSnapshot(state: LedgerState, snapshot: Snapshot, context: Omit<DiffContext, 'kinds'>): DiffResult {
  const diff = new SnapshotDiff(state, { ...context, kinds: snapshot.kinds });
  for (const record of snapshot.records) diff.add(record);
  return diff.finish(snapshot.completeAt === undefined ? {} : { removedAsOf: snapshot.completeAt });
}
