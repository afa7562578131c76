import type { SyncSummary } from '@roster-ledger/domain';
import { describeBreach } from '@roster-ledger/domain';
import { describeSync, syncLine } from './sync-report';

const sync = (over: Partial<SyncSummary>): SyncSummary => ({
  syncId: 's2',
  districtId: 'd1',
  source: 'snapshot',
  origin: '/data/district',
  status: 'completed',
  requestedBy: 'ops',
  requestedVia: null,
  startedAt: '2026-12-01T10:00:00.000Z',
  finishedAt: '2026-12-01T10:00:01.000Z',
  counts: {},
  appended: 0,
  pending: 0,
  breaches: [],
  heldAt: null,
  failure: null,
  approvedBy: null,
  approvedVia: null,
  discardedBy: null,
  discardedVia: null,
  owner: null,
  contents: null,
  sameFilesAs: null,
  settledUnder: null,
  fallback: null,
  cursorNotSet: null,
  eventsCursor: null,
  skipped: {},
  unresolved: {},
  unresolvedIds: {},
  unknownValues: {},
  unknownValuesAt: {},
  kept: {},
  mismatched: {},
  mismatchedAt: {},
  roleConflicts: {},
  roleConflictsAt: {},
  unnamed: {},
  unnamedAt: {},
  unpaired: {},
  unpairedAt: {},
  endsBeforeStart: {},
  endsBeforeStartAt: {},
  ...over,
});

describe("a sync's report", () => {
  it('says through what a sync was asked for: an API key, the CLI (the login name), or the schedule', () => {
    const started = (over: Partial<SyncSummary>) => describeSync(sync(over)).split('\n')[1];
    expect(started({ requestedBy: 'ops-key', requestedVia: 'api' })).toBe('  started 2026-12-01T10:00:00.000Z by ops-key (API key), finished 2026-12-01T10:00:01.000Z');
    expect(started({ requestedBy: 'root', requestedVia: 'cli' })).toContain(' by root (on the CLI, the login name), ');
    expect(started({ requestedBy: 'schedule', requestedVia: 'schedule' })).toContain(" by serve's schedule, ");
    // recorded before the channel was: the name alone
    expect(started({ requestedBy: 'ops' })).toContain(' by ops, ');
  });

  it('says through what a held sync was decided: an API key, or a name given on the CLI, which nothing proves', () => {
    expect(describeSync(sync({ status: 'completed', approvedBy: 'ops-key', approvedVia: 'api' }))).toContain('  Applied on approval by ops-key (API key).');
    expect(describeSync(sync({ status: 'discarded', discardedBy: 'alice', discardedVia: 'cli' }))).toContain('  Discarded by alice (on the CLI, as given with --by or the login name).');
    // recorded before the channel was: the name alone
    expect(describeSync(sync({ status: 'completed', approvedBy: 'alice' }))).toContain('  Applied on approval by alice.');
  });

  it('says of an approved or discarded sync when the guard held it, which thresholds it crossed, and when it was decided', () => {
    const breaches = [{ recordType: 'student' as const, change: 'removed' as const, count: 150, active: 1004, threshold: 0.1 }];
    const held = { heldAt: '2026-12-01T10:00:02.000Z', finishedAt: '2026-12-01T11:30:00.000Z', breaches };
    const approved = describeSync(sync({ ...held, status: 'completed', approvedBy: 'eve', approvedVia: 'api' })).split('\n');
    expect(approved).toEqual(
      expect.arrayContaining([
        '  Held by the mass-change guard at 2026-12-01T10:00:02.000Z; thresholds crossed:',
        `    - ${describeBreach(breaches[0]!)}`,
        '  Applied on approval by eve (API key) at 2026-12-01T11:30:00.000Z.',
      ]),
    );
    const discarded = describeSync(sync({ ...held, status: 'discarded', discardedBy: 'alice', discardedVia: 'cli' }));
    expect(discarded).toContain('  Held by the mass-change guard at 2026-12-01T10:00:02.000Z, then discarded: nothing applied.');
    expect(discarded).toContain('  Discarded by alice (on the CLI, as given with --by or the login name) at 2026-12-01T11:30:00.000Z.');
    // a sync never held says nothing of it
    expect(describeSync(sync({ status: 'completed' }))).not.toContain('Held');
  });

  it("names the ledger of the command in the commands that read, approve and discard a held sync, so that they act on the sync it held", () => {
    const held = sync({ status: 'held', counts: { StudentRemoved: 150 }, breaches: [] });
    const report = describeSync(held, undefined, ['import', 'day2', '--db', '/data/my ledger.db']);
    expect(report).toContain("Read them: roster-ledger syncs pending s2 --db '/data/my ledger.db'\n");
    expect(report).toContain("Apply it:  roster-ledger syncs approve s2 --db '/data/my ledger.db' --by <your name>");
    expect(report).toContain("Drop it:   roster-ledger syncs discard s2 --db '/data/my ledger.db' --by <your name>");
    // the default ledger needs no --db
    expect(describeSync(held, undefined, ['import', 'day2'])).toContain('Apply it:  roster-ledger syncs approve s2 --by <your name>');
  });

  it('points at the findings of the sync whose files these were only when there are some', () => {
    expect(describeSync(sync({ sameFilesAs: 's1' }))).not.toContain('findings below');
    const found = describeSync(sync({ sameFilesAs: 's1', unresolved: { school: 2 } }));
    expect(found).toContain("(the findings below are that sync's)");
    expect(found).toContain('Referenced but not in the snapshot (kept as ids): school 2');
  });

  it('says of references it could not resolve when the snapshot had no file of their kind', () => {
    const file = (name: string) => ({ name, sha256: '0'.repeat(64), bytes: 10 });
    const contents = { reading: 'clever-json v1 max-string 65536', files: [file('districts.json'), file('schools.json'), file('users.json'), file('sections.json')] };
    expect(describeSync(sync({ contents, unresolved: { school: 2, term: 1, course: 3 } }))).toContain(
      'Referenced but not in the snapshot (kept as ids): school 2, term 1 (no terms.json), course 3 (no courses.json)',
    );
    // a file read in another case (Schools.json) is the file of its kind
    const cased = { ...contents, files: [file('districts.json'), file('Schools.json'), file('users.json'), file('sections.json')] };
    expect(describeSync(sync({ contents: cased, unresolved: { school: 2 } }))).toContain('Referenced but not in the snapshot (kept as ids): school 2\n');
    // a CSV upload has no file per kind: its terms and courses come from sections.csv
    const upload = { reading: 'clever-csv v1.1 max-record 65536 district d1', files: [file('schools.csv'), file('students.csv'), file('sections.csv')] };
    expect(describeSync(sync({ contents: upload, unresolved: { user: 1, term: 1 } }))).toContain('Referenced but not in the snapshot (kept as ids): user 1, term 1\n');
    // an events sync reads no snapshot: a member its events name is one the ledger does not hold
    expect(describeSync(sync({ source: 'clever-events', unresolved: { user: 1 }, unresolvedIds: { user: ['u9'] } }))).toContain('Referenced but not in the ledger (kept as ids): user 1\n');
  });

  it('says where the first values outside the enumerations were read, each file named once in a row, and how many more', () => {
    const report = describeSync(
      sync({
        unknownValues: { 'student.dob': 5, 'school.low_grade': 1 },
        unknownValuesAt: {
          'student.dob': [
            { file: 'students.csv', line: 3, record: 1, recordId: 'a' },
            { file: 'students.csv', line: 9, record: 7, recordId: 'b' },
            { file: 'students-2.csv', line: 2, record: 0, recordId: 'c' },
          ],
          'school.low_grade': [{ file: 'schools.json', record: 4, recordId: 's' }],
        },
      }),
    );
    expect(report).toContain(
      [
        "  Values outside Clever's enumerations or formats (kept as given): student.dob 5, school.low_grade 1",
        '    student.dob at students.csv, line 3, record #2, id a; line 9, record #8, id b; students-2.csv, line 2, record #1, id c; and 2 more',
        '    school.low_grade at schools.json, record #5, id s',
      ].join('\n'),
    );
  });

  it('says a last_modified that is no moment was left out, apart from the values kept as given', () => {
    const report = describeSync(
      sync({
        unknownValues: { 'student.gender': 2, 'user.last_modified': 3 },
        unknownValuesAt: { 'student.gender': [{ file: 'users.json', record: 1, recordId: 'a' }], 'user.last_modified': [{ file: 'users.json', record: 4, recordId: 'b' }] },
      }),
    );
    expect(report).toContain(
      [
        "  Values outside Clever's enumerations or formats (kept as given): student.gender 2",
        '    student.gender at users.json, record #2, id a; and 1 more',
        "  Values outside Clever's enumerations or formats (left out, not taken for when Clever changed the record): user.last_modified 3",
        '    user.last_modified at users.json, record #5, id b; and 2 more',
      ].join('\n'),
    );
  });

  it('names the first unresolved ids of a kind whose file was read, not of one the snapshot had no file for', () => {
    const file = (name: string) => ({ name, sha256: '0'.repeat(64), bytes: 10 });
    const contents = { reading: 'clever-json v1 max-string 65536', files: [file('schools.json'), file('users.json'), file('sections.json')] };
    const report = describeSync(sync({ contents, unresolved: { school: 4, term: 2 }, unresolvedIds: { school: ['s1', 's2', 's3'], term: ['t1', 't2'] } }));
    expect(report).toContain(
      ['  Referenced but not in the snapshot (kept as ids): school 4, term 2 (no terms.json)', '    school s1, s2, s3; and 1 more'].join('\n') + '\n',
    );
    expect(report).not.toContain('t1');
  });

  it('says what the files did not have and the ledger kept, by file or column, with how many records', () => {
    const report = describeSync(sync({ kept: { 'staff.csv': 3, 'students.csv Grade': 1004 } }));
    expect(report).toContain('\n  No roster changes: the ledger already matched this snapshot, but for what its files did not have (below).\n');
    expect(report).toContain('\n  Not in what was read, so left as the ledger had them (records): staff.csv 3, students.csv Grade 1,004');
    expect(describeSync(sync({}))).not.toContain('Not in what was read');
  });

  it('says which values disagree with another file, by file and column, and where the first were read', () => {
    const report = describeSync(
      sync({
        mismatched: { 'enrollments.csv School_id': 4 },
        mismatchedAt: { 'enrollments.csv School_id': [{ file: 'enrollments.csv', line: 3, record: 1, recordId: 'sec1' }, { file: 'enrollments.csv', line: 7, record: 5, recordId: 'sec2' }] },
      }),
    );
    expect(report).toContain(
      [
        '  Values that disagree with another file (recorded as the other file has them): enrollments.csv School_id 4',
        '    enrollments.csv School_id at enrollments.csv, line 3, record #2, id sec1; line 7, record #6, id sec2; and 2 more',
      ].join('\n'),
    );
    expect(describeSync(sync({}))).not.toContain('disagree');
  });

  it('says which new members of sections the ledger holds without the role of their list, and where the first were read', () => {
    const report = describeSync(
      sync({
        source: 'clever-events',
        counts: { StudentEnrolled: 1 },
        roleConflicts: { 'section.students': 1 },
        roleConflictsAt: { 'section.students': [{ file: 'https://api.clever.com/v3.0/events', record: 4, recordId: 'sec1' }] },
      }),
    );
    expect(report).toContain(
      [
        '  Members recorded though the ledger holds them without the role of their list: section.students 1',
        '    section.students at https://api.clever.com/v3.0/events, record #5, id sec1',
      ].join('\n'),
    );
    expect(describeSync(sync({}))).not.toContain('without the role');
  });

  it('says which sections the files give no name, and where the first were read', () => {
    const report = describeSync(
      sync({
        source: 'sftp-csv',
        counts: { SectionShared: 4 },
        unnamed: { section: 4 },
        unnamedAt: { section: [{ file: 'sections.csv', line: 3, record: 1, recordId: 'sec1' }, { file: 'sections.csv', line: 5, record: 3, recordId: 'sec3' }, { file: 'sections.csv', line: 6, record: 4, recordId: 'sec4' }] },
      }),
    );
    expect(report).toContain(
      [
        '  Without a name (a name of "", or neither Name nor Course_name in sections.csv; recorded without one unless kept below): section 4',
        '    section at sections.csv, line 3, record #2, id sec1; line 5, record #4, id sec3; line 6, record #5, id sec4; and 1 more',
      ].join('\n'),
    );
    expect(describeSync(sync({}))).not.toContain('Without a name');
  });

  it('offers no approval of a held sync whose change set is not beside the ledger: only a discard', () => {
    const held = { status: 'held' as const, pending: 20, counts: { StudentRemoved: 20 }, heldAt: '2026-12-01T10:00:00.000Z' };
    expect(describeSync(sync(held))).toContain('  Apply it:  ');
    const missing = describeSync(sync({ ...held, changeSetMissing: true }));
    expect(missing).not.toContain('Apply it');
    expect(missing).toContain('  Its change set is not beside the ledger (in <ledger>.staged), so it cannot be approved: discard it and run the sync again.\n  Drop it:   ');
  });

  it('says which records end before they start, and where the first were read', () => {
    const report = describeSync(
      sync({
        source: 'sftp-csv',
        counts: { TermShared: 1 },
        endsBeforeStart: { term: 1 },
        endsBeforeStartAt: { term: [{ file: 'sections.csv', line: 3, record: 1, recordId: 'sis-term-1' }] },
      }),
    );
    expect(report).toContain(
      [
        '  Ending before they start (end_date before start_date; recorded as given): term 1',
        '    term at sections.csv, line 3, record #2, id sis-term-1',
      ].join('\n'),
    );
    expect(describeSync(sync({}))).not.toContain('Ending before');
  });

  it('says which staff members were kept apart from the teachers of their email, and where', () => {
    const report = describeSync(
      sync({
        source: 'sftp-csv',
        counts: { StaffShared: 1 },
        unpaired: { 'staff.csv Staff_email': 1 },
        unpairedAt: { 'staff.csv Staff_email': [{ file: 'staff.csv', line: 2, record: 0, recordId: 'st1' }] },
      }),
    );
    expect(report).toContain(
      [
        '  Staff kept apart from the teachers of their email (more than one teacher or staff member has it): staff.csv Staff_email 1',
        '    staff.csv Staff_email at staff.csv, line 2, record #1, id st1',
      ].join('\n'),
    );
    expect(describeSync(sync({}))).not.toContain('kept apart');
  });

  it('says an events sync with no roster change found nothing new after its cursor, not that a snapshot matched', () => {
    expect(describeSync(sync({ source: 'clever-events' }))).toContain('\n  No roster changes: Clever reported nothing since the events cursor that the ledger does not already hold.');
    expect(describeSync(sync({ source: 'clever-api' }))).toContain('\n  No roster changes: the ledger already matched the district as Clever gave it.');
    expect(describeSync(sync({ source: 'snapshot' }))).toContain('\n  No roster changes: the ledger already matched this snapshot.');
  });

  it('says where a sync moved the events cursor, or moves it on approval, and nothing of a cursor it did not move', () => {
    const moved = { value: '6a1f0c2b9d3e4f5a6b7c8d9e', at: '2026-12-01T10:00:00.000Z' };
    expect(describeSync(sync({ source: 'clever-events', eventsCursor: moved }))).toContain('\n  Events cursor: moved by this sync to after event 6a1f0c2b9d3e4f5a6b7c8d9e\n');
    expect(describeSync(sync({ source: 'clever-api', eventsCursor: { ...moved, value: null } }))).toContain('\n  Events cursor: moved by this sync to the start of the feed\n');
    expect(describeSync(sync({ source: 'clever-events', status: 'held', eventsCursor: moved }))).toContain(
      '\n  Events cursor: moves to after event 6a1f0c2b9d3e4f5a6b7c8d9e on approval (until then it stays where it was)\n',
    );
    expect(describeSync(sync({ source: 'clever-events' }))).not.toContain('Events cursor');
    // a failed or discarded events sync left the cursor where it was: the same events are read again
    const failure = { code: 'CLEVER_UNAVAILABLE', reason: 'HTTP 503' } as SyncSummary['failure'];
    for (const ended of [sync({ source: 'clever-events', status: 'failed', failure }), sync({ source: 'clever-events', status: 'discarded', heldAt: '2026-12-01T10:00:00.000Z', discardedBy: 'ada' })]) {
      expect(describeSync(ended)).toContain('\n  Events cursor: not moved, so the next events sync reads the same events again\n');
    }
    expect(describeSync(sync({ source: 'clever-api', status: 'failed', failure }))).not.toContain('Events cursor');
  });

  it('says once that nothing was applied', () => {
    const stopped = describeSync(sync({ status: 'failed', failure: { code: 'INTERRUPTED', reason: 'the process running this sync stopped before it finished; nothing of it was applied', foundBy: 'next-1' } }));
    expect(stopped.match(/nothing (of it )?was applied/gi)).toHaveLength(1);
    expect(stopped).toContain('\n  Recorded so by sync next-1, which found its process gone.');
    const refused = describeSync(sync({ status: 'failed', failure: { code: 'INVALID_INPUT', reason: 'users.json, line 3: truncated' } }));
    expect(refused).toContain('Nothing was applied: the ledger is as it was before this sync.');
  });

  it("lists a sync's roster events as what became of them: appended, pending while held, dropped when discarded", () => {
    const counts = { StudentShared: 90, StudentRemoved: 10 };
    const column = (over: Partial<SyncSummary>) => syncLine(sync({ counts, ...over })).split(/\s{2,}/)[4];
    expect(column({ status: 'completed' })).toBe('100 events');
    expect(column({ status: 'held' })).toBe('100 pending');
    expect(column({ status: 'discarded' })).toBe('100 dropped');
    expect(syncLine(sync({ counts: { StudentShared: 1 } })).split(/\s{2,}/)[4]).toBe('1 event');
  });
});
