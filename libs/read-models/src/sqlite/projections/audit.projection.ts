import { categoryOf } from '@roster-ledger/domain';
import { parseMoment, type JsonObject, type RecordedEvent } from '@roster-ledger/ledger';
import { factsOf } from '../../model/event-facts';
import { changesIdentity, isRemoval } from '../../model/last-known';
import { recordTypeOf } from '../../model/timeline-subjects';
import { BufferedInsert } from '../buffered-insert';
import type { Db } from '../read-model-database';
import type { ProjectionWriter, SqliteProjection, TableNamer } from '../sqlite-projection';
import { EntitySchools } from './entity-schools';
import { IdentityTrails, positionsText } from './identity-trails';
import { ValueKeys } from './value-keys';

/**
 * audit: the district's feed of every recorded event (roster and sync), indexed for the filters
 * compliance uses: time, event type, record type, school, sync. One row per event, keyed by its
 * log position: the feed reads the events themselves from the log (the row is a pointer with the
 * columns to filter on, not a copy). Rows by school are keyed by position too, so a bulk load
 * appends, and indexed by school.
 *
 * The feed is read in log order, a page after a position: the index by district (and so by
 * position, the rowid, within it) serves a page without sorting; a time range is a filter on it.
 * An index by district and time had SQLite sort the whole district's feed for each page (0.4 s
 * at a million students), and an export page after page.
 *
 * The columns are integers: ids and types as keys into `audit_keys` (see ValueKeys), the time as
 * milliseconds since 1970. Text made each row and its two indexes about three times larger, and
 * writing them was the largest part of a rebuild.
 *
 * A removal carries only the record's id. So that the feed can say who or what was removed, each
 * removal keeps the positions of the events the record's last version folds from (its identity
 * trail, see IdentityTrails), and the query folds those events from the log: pointers again, no
 * copy of anyone's personal data, and what a rebuild from the log gives. A share of a record that
 * was removed (shared again) keeps its trail the same way, so that the feed can say what the
 * record was when it was removed: before and after, as an update says.
 */
export const auditProjection: SqliteProjection = {
  name: 'audit',
  rebuildWeight: 40,
  description: 'the audit feed: every event with filters by time, type, record type, school and sync; each removal with what it removed, each share again with what was removed',
  tables: ['audit', 'audit_schools', 'audit_keys', 'entity_schools', 'audit_trails', 'identity_trails'],
  create(db: Db, t: TableNamer): void {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t('audit')} (
        position INTEGER PRIMARY KEY, district INTEGER, record_type INTEGER NOT NULL, type INTEGER NOT NULL,
        sync INTEGER, observed_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS ${t('audit')}_district ON ${t('audit')} (district);
      CREATE INDEX IF NOT EXISTS ${t('audit')}_sync ON ${t('audit')} (sync);
      CREATE TABLE IF NOT EXISTS ${t('audit_schools')} (position INTEGER NOT NULL, school INTEGER NOT NULL, PRIMARY KEY (position, school)) WITHOUT ROWID;
      CREATE UNIQUE INDEX IF NOT EXISTS ${t('audit_schools')}_school ON ${t('audit_schools')} (school, position);
    `);
    ValueKeys.create(db, t('audit_keys'));
    EntitySchools.create(db, t('entity_schools'));
    // one row per removal and per share again: the positions of the events that say what the record was (see positionsText)
    db.exec(`CREATE TABLE IF NOT EXISTS ${t('audit_trails')} (position INTEGER PRIMARY KEY, trail TEXT NOT NULL)`);
    IdentityTrails.create(db, t('identity_trails'));
  },
  writer(db: Db, t: TableNamer): ProjectionWriter {
    const schools = new EntitySchools(db, t('entity_schools'));
    const keys = new ValueKeys(db, t('audit_keys'));
    const trails = new IdentityTrails(db, t('identity_trails'));
    const trailsKept = new BufferedInsert(db, `INSERT OR IGNORE INTO ${t('audit_trails')} (position, trail)`, 2);
    // nothing reads these tables while a batch is folded: their rows are written many at a time
    const insert = new BufferedInsert(db, `INSERT OR IGNORE INTO ${t('audit')} (position, district, record_type, type, sync, observed_at)`, 6);
    const file = new BufferedInsert(db, `INSERT OR IGNORE INTO ${t('audit_schools')} (position, school)`, 2);
    // a sync's runs are observed at one moment: its text is read once
    let lastObserved: string | null = null;
    let lastObservedMs = 0;
    const millisecondsOf = (observedAt: string): number => {
      if (observedAt === lastObserved) return lastObservedMs;
      // only the ISO form the ledger writes: Date.parse would read other text in this machine's zone
      const moment = parseMoment(observedAt, 'start-of-day');
      if (moment === null) throw new Error(`its observation time "${observedAt}" is not an ISO-8601 moment with a zone`);
      lastObservedMs = Date.parse(moment);
      lastObserved = observedAt;
      return lastObservedMs;
    };
    // The log comes in runs of events with one metadata object (the store parses each run's once):
    // what a row takes from it is worked out once a run, and an event type's keys once.
    let run: { metadata: JsonObject; recordedAt: string; district: number | null; sync: number | null; observedAt: number } | null = null;
    const runOf = (event: RecordedEvent) => {
      if (run !== null && run.metadata === event.metadata && run.recordedAt === event.recordedAt) return run;
      const f = factsOf(event);
      run = {
        metadata: event.metadata,
        recordedAt: event.recordedAt,
        district: f.districtId === null ? null : keys.keyOf('district', f.districtId),
        sync: f.syncId === null ? null : keys.keyOf('sync', f.syncId),
        observedAt: millisecondsOf(f.observedAt),
      };
      return run;
    };
    // with whether the type changes what its record is, and removes it (see changesIdentity)
    type TypeKeys = [recordType: number, type: number, changesIdentity: boolean, removes: boolean];
    const typeKeys = new Map<string, Map<string, TypeKeys>>();
    const typeKeysOf = (event: RecordedEvent): TypeKeys => {
      const category = categoryOf(event.streamId);
      let ofCategory = typeKeys.get(category);
      if (ofCategory === undefined) typeKeys.set(category, (ofCategory = new Map()));
      let found = ofCategory.get(event.type);
      if (found === undefined) {
        found = [keys.keyOf('record_type', recordTypeOf(event)), keys.keyOf('type', event.type), changesIdentity(event), isRemoval(event)];
        ofCategory.set(event.type, found);
      }
      return found;
    };
    // the schools an event is filed under come as the same list for a record's run of enrollments
    // (see EntitySchools): their keys are looked up once a list
    let lastFiled: readonly string[] | null = null;
    let lastFiledKeys: number[] = [];
    const schoolKeysOf = (filed: readonly string[]): number[] => {
      if (filed !== lastFiled) {
        lastFiledKeys = filed.map((school) => keys.keyOf('school', school));
        lastFiled = filed;
      }
      return lastFiledKeys;
    };
    return {
      apply(event: RecordedEvent): void {
        const filed = schools.follow(event);
        if (filed === null) return; // a replay
        const { district, sync, observedAt } = runOf(event);
        const [recordType, type, identity, removes] = typeKeysOf(event);
        insert.add(event.position, district, recordType, type, sync, observedAt);
        if (event.streamId.startsWith('school-')) file.add(event.position, keys.keyOf('school', event.streamId.slice('school-'.length)));
        for (const school of schoolKeysOf(filed)) file.add(event.position, school);
        if (identity) {
          const trail = trails.follow(event);
          // every removal (an empty trail: no earlier version), and a share again
          if (trail !== null && (removes || trail.length > 0)) trailsKept.add(event.position, positionsText(trail));
        }
      },
      flush: () => {
        schools.flush();
        trails.flush();
        insert.flush();
        file.flush();
        trailsKept.flush();
      },
      reset: () => {
        // keys given in the transaction rolled back name nothing
        run = null;
        typeKeys.clear();
        lastFiled = null;
        schools.reset();
        trails.reset();
        keys.reset();
        insert.discard();
        file.discard();
        trailsKept.discard();
      },
    };
  },
};
