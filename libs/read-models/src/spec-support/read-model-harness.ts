import type { Fields, SyncSource } from '@roster-ledger/domain';
import type { JsonObject, RecordedEvent } from '@roster-ledger/ledger';
import { openReadModelDatabase, type Db } from '../sqlite/read-model-database';
import { SqliteReadModels } from '../sqlite/readers/sqlite-read-models';
import { VersionCheckpoints } from '../sqlite/version-checkpoints';
import { tableNamer, type ProjectionWriter, type SqliteProjection } from '../sqlite/sqlite-projection';

/**
 * Spec helpers for the read models: an in-memory SQLite with a projection's tables at version 1,
 * events built the way the ledger stores them, a given/when flow that folds them in the way the
 * runner does (`apply` each event of a batch, then `flush`, in one transaction), and the read
 * models' own queries (`SqliteReadModels`, live version 1) to read back what users see.
 */

export const DISTRICT = 'd1';

// ---- events ------------------------------------------------------------------------------------

export interface EventOptions {
  observedAt?: string;
  syncId?: string | null;
  districtId?: string | null;
  recordedAt?: string;
  cleverLastModified?: string;
  source?: string;
  cleverEventId?: string;
}

/** An event as the store hands it to projections (`RecordedEvent`), with the ledger's metadata. */
export function recorded(
  streamId: string,
  revision: number,
  position: number,
  type: string,
  data: object,
  options: EventOptions = {},
): RecordedEvent {
  const observedAt = options.observedAt ?? '2024-09-01T08:00:00.000Z';
  // the ledger writes an event a moment after the sync took its view
  const recordedAt = options.recordedAt ?? new Date(Date.parse(observedAt) + 500).toISOString();
  const syncId = options.syncId === undefined ? 'sync-1' : options.syncId;
  const metadata: JsonObject = {
    districtId: options.districtId === undefined ? DISTRICT : options.districtId,
    source: options.source ?? 'snapshot',
    observedAt,
    recordedAt,
    schemaVersion: 1,
  };
  if (syncId !== null) Object.assign(metadata, { syncId, correlationId: syncId, causationId: syncId });
  if (options.cleverLastModified !== undefined) metadata['cleverLastModified'] = options.cleverLastModified;
  if (options.cleverEventId !== undefined) metadata['cleverEventId'] = options.cleverEventId;
  return {
    id: `${streamId}@${revision}`,
    type,
    streamId,
    revision,
    position,
    data: structuredClone(data) as JsonObject,
    metadata,
    recordedAt,
  };
}

/**
 * A log under construction: positions and stream revisions are assigned in order, so a spec
 * only says which sync (and when) wrote what. `positionStep` > 1 leaves gaps between positions,
 * which the port allows.
 */
export class EventLog {
  readonly events: RecordedEvent[] = [];
  private position = 0;
  private readonly revisions = new Map<string, number>();

  constructor(private readonly positionStep = 1) {}

  append(streamId: string, type: string, data: object, options: EventOptions = {}): RecordedEvent {
    const revision = (this.revisions.get(streamId) ?? -1) + 1;
    this.revisions.set(streamId, revision);
    this.position += this.positionStep;
    const event = recorded(streamId, revision, this.position, type, data, options);
    this.events.push(event);
    return event;
  }

  /** An appender for the events of one sync: same sync id and observation time. */
  sync(syncId: string, observedAt: string, options: Omit<EventOptions, 'syncId' | 'observedAt'> = {}) {
    return (streamId: string, type: string, data: object, extra: EventOptions = {}): RecordedEvent =>
      this.append(streamId, type, data, { ...options, syncId, observedAt, ...extra });
  }
}

// ---- event data, in roster language --------------------------------------------------------------

export const shared = (id: string, record: Fields, personal: Fields = {}, sharedAgain = false) => ({ id, record, personal, sharedAgain });
export const updated = (id: string, changes: Record<string, { from: unknown; to: unknown }>, personal: Record<string, { from: unknown; to: unknown }> = {}) => ({
  id,
  changes,
  personal,
});
export const removed = (id: string) => ({ id });
export const demographicUpdated = (id: string, personal: Record<string, { from: unknown; to: unknown }>) => ({ id, personal });
export const enrollment = (sectionId: string, studentId: string) => ({ sectionId, studentId });
export const assignment = (sectionId: string, teacherId: string, primary: boolean) => ({ sectionId, teacherId, primary });
export const unassignment = (sectionId: string, teacherId: string) => ({ sectionId, teacherId });
export const primaryChange = (sectionId: string, from: string | null, to: string | null) => ({ sectionId, from, to });

/** StudentShared data: a 9th grader at school `s1`, with the personal fields support searches by. */
export function studentRecord(id: string, over: { school?: string; schools?: string[]; grade?: string; first?: string; middle?: string; last?: string; sharedAgain?: boolean } = {}) {
  const school = over.school ?? 's1';
  return shared(
    id,
    { school, schools: over.schools ?? [school], grade: over.grade ?? '9' },
    {
      name: { first: over.first ?? 'Ada', ...(over.middle === undefined ? {} : { middle: over.middle }), last: over.last ?? 'Lovelace' },
      email: `${id}@example.org`,
      sis_id: `SIS-${id}`,
      student_number: `SN-${id}`,
      state_id: `ST-${id}`,
      gender: 'F',
      race: 'Asian',
    },
    over.sharedAgain ?? false,
  );
}

export function teacherRecord(id: string, over: { schools?: string[]; title?: string; first?: string; last?: string; sharedAgain?: boolean } = {}) {
  const schools = over.schools ?? ['s1'];
  return shared(
    id,
    { school: schools[0] ?? null, schools, title: over.title ?? 'Teacher' },
    { name: { first: over.first ?? 'Grace', last: over.last ?? 'Hopper' }, email: `${id}@example.org`, sis_id: `TSIS-${id}`, teacher_number: `TN-${id}` },
    over.sharedAgain ?? false,
  );
}

export function staffRecord(id: string, over: { schools?: string[]; title?: string; first?: string; last?: string; sharedAgain?: boolean } = {}) {
  return shared(
    id,
    { schools: over.schools ?? ['s1'], title: over.title ?? 'Counselor' },
    { name: { first: over.first ?? 'Grace', last: over.last ?? 'Hopper' }, email: `${id}@example.org`, staff_id: `STAFF-${id}` },
    over.sharedAgain ?? false,
  );
}

export function districtAdminRecord(id: string, over: { title?: string; first?: string; last?: string } = {}) {
  return shared(id, { title: over.title ?? 'Superintendent' }, { name: { first: over.first ?? 'Mary', last: over.last ?? 'Jackson' }, email: `${id}@example.org` });
}

export function sectionRecord(id: string, over: { school?: string; name?: string; term?: string; course?: string; sharedAgain?: boolean } = {}) {
  return shared(
    id,
    { school: over.school ?? 's1', name: over.name ?? `Section ${id}`, term_id: over.term ?? 't1', course: over.course ?? 'c1', grade: '9' },
    {},
    over.sharedAgain ?? false,
  );
}

export const namedRecord = (id: string, name: string, sharedAgain = false) => shared(id, { name }, {}, sharedAgain);

// ---- sync event data ---------------------------------------------------------------------------

const findings = { skipped: {}, unresolved: {}, unknownValues: {} };
export const syncStarted = (
  syncId: string,
  startedAt: string,
  over: { districtId?: string | null; requestedBy?: string; requestedVia?: 'cli' | 'api' | 'schedule'; source?: SyncSource } = {},
) => ({
  syncId,
  districtId: over.districtId === undefined ? DISTRICT : over.districtId,
  source: over.source ?? 'snapshot',
  origin: `/snapshots/${syncId}`,
  startedAt,
  requestedBy: over.requestedBy ?? 'cli',
  ...(over.requestedVia === undefined ? {} : { requestedVia: over.requestedVia }),
});
export const syncCompleted = (syncId: string, completedAt: string, counts: Record<string, number> = {}, over: { approvedBy?: string; districtId?: string } = {}) => ({
  syncId,
  districtId: over.districtId ?? DISTRICT,
  counts,
  appended: Object.values(counts).reduce((a, b) => a + b, 0),
  completedAt,
  ...findings,
  ...(over.approvedBy === undefined ? {} : { approvedBy: over.approvedBy }),
});
export const syncFailed = (syncId: string, failedAt: string, reason = 'truncated JSON', at?: object) => ({
  syncId,
  code: 'INVALID_INPUT',
  reason,
  ...(at === undefined ? {} : { at }),
  failedAt,
});
export const syncHeld = (syncId: string, heldAt: string, counts: Record<string, number>) => ({
  syncId,
  districtId: DISTRICT,
  breaches: [{ recordType: 'student', change: 'removed', count: 200, active: 1004, threshold: 0.1 }],
  counts,
  pending: Object.values(counts).reduce((a, b) => a + b, 0),
  heldAt,
  ...findings,
});
export const syncApproved = (syncId: string, by: string, approvedAt: string, via: 'cli' | 'api' = 'api') => ({ syncId, by, via, approvedAt });
export const syncDiscarded = (syncId: string, by: string, discardedAt: string, via: 'cli' | 'api' = 'cli') => ({ syncId, by, via, discardedAt });

// ---- the read models under test ----------------------------------------------------------------

export type Row = Record<string, unknown>;

/** Every table of some projections, as rows sorted the same way whatever the insertion order. */
export function dumpTables(db: Db, projections: readonly SqliteProjection[], version = 1): Record<string, Row[]> {
  const dump: Record<string, Row[]> = {};
  for (const p of projections) {
    const t = tableNamer(p.name, version);
    for (const table of p.tables) {
      const rows = db.prepare(`SELECT * FROM ${t(table)}`).all() as Row[];
      dump[`${p.name}.${table}`] = rows
        .map((r) => JSON.stringify(r))
        .sort()
        .map((r) => JSON.parse(r) as Row);
    }
  }
  return dump;
}

/** Creates a projection's tables at version 1 and returns a writer bound to them. */
export function atVersion1(db: Db, projection: SqliteProjection): ProjectionWriter {
  projection.create(db, tableNamer(projection.name, 1));
  return projection.writer(db, tableNamer(projection.name, 1));
}

/**
 * Projections on an in-memory SQLite at version 1, fed like the runner feeds them:
 * `given(events)` and `when(event...)` each fold one batch (apply every event, then flush, in one
 * transaction). `models` are the queries users go through; `rows` and `dump` read the tables.
 */
export class ReadModelHarness {
  readonly db: Db;
  readonly models: SqliteReadModels;
  private writers: Map<string, ProjectionWriter>;
  /** Every event folded so far, by position: the log the queries read events from. */
  private readonly log = new Map<number, RecordedEvent>();
  private head = 0;

  constructor(readonly projections: readonly SqliteProjection[]) {
    this.db = openReadModelDatabase(':memory:');
    this.writers = new Map(projections.map((p) => [p.name, atVersion1(this.db, p)]));
    const readAt = async (positions: readonly number[]) =>
      [...new Set(positions)].sort((a, b) => a - b).flatMap((p) => (this.log.has(p) ? [structuredClone(this.log.get(p)!)] : []));
    const streamPositions = async (streamId: string, o: { after: number; upTo: number; maxCount: number }) =>
      [...this.log.values()]
        .filter((e) => e.streamId === streamId && e.position > o.after && e.position <= o.upTo)
        .map((e) => e.position)
        .sort((a, b) => a - b)
        .slice(0, o.maxCount);
    const log = this.log;
    async function* readStream(streamId: string) {
      yield* [...log.values()].filter((e) => e.streamId === streamId).sort((a, b) => a.position - b.position).map((e) => structuredClone(e));
    }
    this.models = new SqliteReadModels(
      this.db,
      { names: () => projections.map((p) => p.name), liveVersion: () => 1, stopped: () => false, checkpointTable: () => 'version_checkpoints', roundsTable: () => null },
      { readAt, streamPositions, readStream },
    );
  }

  /** The history before the event under test, folded as one batch. */
  given(events: readonly RecordedEvent[]): this {
    return this.fold(events);
  }

  /** The event(s) under test, folded as one batch. */
  when(...events: RecordedEvent[]): this {
    return this.fold(events);
  }

  /**
   * New writers on the same tables, as after a restart of the process: what a writer kept in
   * memory is gone, and the next batch reads it back from its tables.
   */
  restart(): this {
    this.writers = new Map(this.projections.map((p) => [p.name, p.writer(this.db, tableNamer(p.name, 1))]));
    return this;
  }

  /** Folds events one batch per event. */
  oneByOne(events: readonly RecordedEvent[]): this {
    for (const e of events) this.fold([e]);
    return this;
  }

  /** The event folded at a position. */
  eventAt(position: number): RecordedEvent {
    const event = this.log.get(position);
    if (!event) throw new Error(`no event was folded at position ${position}`);
    return event;
  }

  fold(events: readonly RecordedEvent[]): this {
    for (const e of events) {
      this.log.set(e.position, e);
      this.head = Math.max(this.head, e.position);
    }
    this.db.transaction(() => {
      for (const writer of this.writers.values()) {
        for (const e of events) writer.apply(e);
        writer.flush();
      }
      // the harness folds each batch whole: its checkpoint is the last event it folded
      for (const p of this.projections) VersionCheckpoints.of(this.db).set(p.name, 1, this.head);
    })();
    return this;
  }

  /** The rows of one table of the (only, or named) projection, in SELECT order. */
  rows(table: string, projection = this.onlyProjection(), where = '', ...params: unknown[]): Row[] {
    return this.db.prepare(`SELECT * FROM ${tableNamer(projection, 1)(table)} ${where}`).all(...params) as Row[];
  }

  dump(): Record<string, Row[]> {
    return dumpTables(this.db, this.projections);
  }

  close(): void {
    this.db.close();
  }

  private onlyProjection(): string {
    if (this.projections.length !== 1) throw new Error('name the projection: the harness holds several');
    return this.projections[0]!.name;
  }
}

/** Opens a harness per spec and closes it after: `const rm = readModels(accountsProjection)`. */
export function readModels(...projections: SqliteProjection[]): { (): ReadModelHarness } {
  let current: ReadModelHarness | null = null;
  beforeEach(() => {
    current = new ReadModelHarness(projections);
  });
  afterEach(() => {
    current?.close();
    current = null;
  });
  return () => {
    if (!current) throw new Error('the harness is only open inside a spec');
    return current;
  };
}

/**
 * A student shared in grade 9, moved to grade 10, removed, and shared again as Ada King in grade
 * 11: what the removal and the share again must say she was (grade 10, Lovelace).
 */
export function studentRemovedAndSharedAgain(log: EventLog): RecordedEvent[] {
  return [
    log.append('user-u1', 'StudentShared', studentRecord('u1', { first: 'Ada', last: 'Lovelace', grade: '9' })),
    log.append('user-u1', 'StudentUpdated', updated('u1', { grade: { from: '9', to: '10' } })),
    log.append('user-u1', 'StudentRemoved', removed('u1')),
    log.append('user-u1', 'StudentShared', studentRecord('u1', { first: 'Ada', last: 'King', grade: '11', sharedAgain: true })),
  ];
}

/** A class shared as Algebra 1A, removed, and shared again as Algebra 2B: what its removal and share again must say it was. */
export function classRemovedAndSharedAgain(log: EventLog): RecordedEvent[] {
  return [
    log.append('section-sec1', 'SectionShared', sectionRecord('sec1', { name: 'Algebra 1A' })),
    log.append('section-sec1', 'SectionRemoved', removed('sec1')),
    log.append('section-sec1', 'SectionShared', sectionRecord('sec1', { name: 'Algebra 2B', sharedAgain: true })),
  ];
}
