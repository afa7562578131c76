import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GUARDED_TYPES, type GuardBreach, type InputLocation, type SnapshotContents, type SnapshotFileDigest, type SyncEventsCursor, type SyncSource, type SyncStatus, type SyncSummary } from '@roster-ledger/domain';

class GuardBreachSchema implements GuardBreach {
  // a union type: reflected as Object unless the type is given
  @ApiProperty({ type: String, enum: GUARDED_TYPES, example: 'student' }) recordType!: GuardBreach['recordType'];
  @ApiProperty({ enum: ['removed', 'updated'] }) change!: 'removed' | 'updated';
  @ApiProperty() count!: number;
  @ApiProperty() active!: number;
  @ApiProperty({ example: 0.1 }) threshold!: number;
}

class SyncFailureSchema {
  @ApiProperty({ example: 'INVALID_INPUT' }) code!: string;
  @ApiProperty() reason!: string;
  @ApiPropertyOptional({ description: 'for INTERRUPTED: the sync (or the approval or discard of a held one) that found this one\'s process gone as it took its lock, and recorded it so' }) foundBy?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'where in the input: file, line (counted from 1), record (its index in the file, counted from 0: the reason\'s "record #N" is index N-1), recordId, column, field' }) at?: Record<string, unknown>;
}

class SyncProgressSchema {
  @ApiProperty({ enum: ['reading', 'writing'] }) phase!: 'reading' | 'writing';
  @ApiProperty({ description: 'records read so far (a full sync), or Clever events read (an events sync)' }) records!: number;
  @ApiProperty({ description: 'when the sync last reported progress (its start, before the first report)' }) updatedAt!: string;
}

class SnapshotFileDigestSchema implements SnapshotFileDigest {
  @ApiProperty({ example: 'users.json' }) name!: string;
  @ApiProperty({ description: 'size in bytes' }) bytes!: number;
  @ApiProperty({ description: 'SHA-256 of the bytes, hex (as sha256sum prints it)' }) sha256!: string;
}

class SnapshotContentsSchema implements SnapshotContents {
  @ApiProperty({ description: 'how the files were read: reader, mapping version, options', example: 'clever-json v1 max-string 65536' }) reading!: string;
  @ApiProperty({ type: [SnapshotFileDigestSchema] }) files!: SnapshotFileDigest[];
}

const counts = (description: string) => ({ type: 'object', additionalProperties: { type: 'number' }, description }) as const;

/** What one sync did. */
class SyncEventsCursorSchema implements SyncEventsCursor {
  @ApiProperty({ type: String, nullable: true, description: 'the Clever event id an events sync reads after; null: from the start of the feed', example: '6a1f0c2b9d3e4f5a6b7c8d9e' })
  value!: string | null;
  @ApiProperty({ description: 'when the sync read it (its cursor event\'s moment, ISO-8601)', example: '2026-12-07T06:00:00.000Z' }) at!: string;
}

export class SyncSummarySchema implements SyncSummary {
  @ApiProperty() syncId!: string;
  @ApiProperty({ type: String, nullable: true }) districtId!: string | null;
  @ApiProperty({ enum: ['clever-api', 'clever-events', 'snapshot', 'sftp-csv'] }) source!: SyncSource;
  @ApiProperty({ description: 'where the data came from (a snapshot folder, an API cursor); to compliance and support a folder is cut to its last part (`.../2025-10-01`)' })
  origin!: string;
  @ApiProperty({ enum: ['running', 'completed', 'failed', 'held', 'discarded'] }) status!: SyncStatus;
  @ApiProperty() requestedBy!: string;
  @ApiProperty({
    ...nullableEnum(['cli', 'api', 'schedule']),
    description: "`api`: asked for with an API key, `requestedBy` its name; `cli`: on the ledger's machine, `requestedBy` the login name; `schedule`: serve's schedule; null when its record does not say",
  })
  requestedVia!: 'cli' | 'api' | 'schedule' | null;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ type: String, nullable: true, description: "when the ledger recorded the event that ended the sync (completed, held, failed or discarded), on the clock of every event's recordedAt; null while it runs" })
  finishedAt!: string | null;
  @ApiProperty(counts('roster events appended (completed) or pending (held), by type')) counts!: Record<string, number>;
  @ApiProperty() appended!: number;
  @ApiProperty() pending!: number;
  @ApiProperty({ type: [GuardBreachSchema], description: 'held, or held then approved or discarded: the mass-change thresholds crossed' }) breaches!: GuardBreach[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'when the mass-change guard held the sync, kept once it is approved or discarded (finishedAt is then the moment it was decided); null for a sync never held',
  })
  heldAt!: string | null;
  @ApiProperty({ type: SyncFailureSchema, nullable: true }) failure!: SyncSummary['failure'];
  @ApiProperty({ type: Object, nullable: true, description: 'the process that ran the sync ({pid, host}, and on Linux `started`: when it started, so that a later process given its id is not taken for it), when recorded; null for compliance and support, as the server\'s own details are for those who run it' }) owner!: SyncSummary['owner'];
  @ApiPropertyOptional({
    type: Boolean,
    description: "true for a sync recorded as running whose process is known to be gone (killed or crashed, in any container sharing the ledger): nothing of it was applied, and the district's next sync records it as interrupted; absent otherwise",
  })
  processGone?: true;
  @ApiPropertyOptional({
    type: Boolean,
    description: 'true for a held sync whose change set is not beside the ledger (a ledger file copied or restored without its .staged folder): it cannot be approved, only discarded; absent otherwise',
  })
  changeSetMissing?: true;
  @ApiProperty({ type: String, nullable: true }) approvedBy!: string | null;
  @ApiProperty({ ...nullableEnum(['cli', 'api']), description: '`api`: approved with an API key, `approvedBy` its name; `cli`: on the ledger\'s machine, `approvedBy` as given with --by or the login name; null when not approved, or approved before this was recorded' })
  approvedVia!: 'cli' | 'api' | null;
  @ApiProperty({ type: String, nullable: true }) discardedBy!: string | null;
  @ApiProperty({ ...nullableEnum(['cli', 'api']), description: 'as approvedVia, of a discard' })
  discardedVia!: 'cli' | 'api' | null;
  @ApiProperty(counts('records read but not recorded, by reason')) skipped!: Record<string, number>;
  @ApiProperty(counts('ids referenced but not in the snapshot (an events sync: not held by the ledger), by kind')) unresolved!: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    description: 'the first three of those ids, by kind, in the order they were first referenced. Empty for syncs recorded before these were kept',
    example: { school: ['5a0c91b95c7cc000010d4181'] },
  })
  unresolvedIds!: Record<string, string[]>;
  @ApiProperty(counts("values outside Clever's enumerations or formats (a date of birth that is no day), kept as given (a last_modified that is no moment: left out), by kind.field")) unknownValues!: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'object', additionalProperties: true } },
    description:
      "where the first three of each unknownValues entry were read, by kind.field: file, line (CSV, counted from 1) or record (its index in the file, counted from 0), and recordId; never the value, which may be personal. Empty for syncs recorded before these were kept",
    example: { 'student.dob': [{ file: 'students.csv', line: 3, recordId: '5a25ffb0c1bc2a00360003ed' }] },
  })
  unknownValuesAt!: Record<string, InputLocation[]>;
  @ApiProperty({
    ...counts('records of which the files lacked something the ledger holds, left as the ledger had them, by what was missing: a file (staff.csv: its staff kept) or a column (students.csv Grade: values kept that the file would have cleared). Empty for syncs recorded before this was kept'),
    example: { 'staff.csv': 3, 'students.csv Grade': 1004 },
  })
  kept!: Record<string, number>;
  @ApiProperty({
    ...counts("values that disagree with another file's, that file's taken, by file and column: an enrollment whose School_id is not its section's (enrollments.csv School_id: the section's school taken). Empty when there were none, and for syncs recorded before this was kept"),
    example: { 'enrollments.csv School_id': 2 },
  })
  mismatched!: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'object', additionalProperties: true } },
    description: 'where the first three of each mismatched entry were read, as unknownValuesAt: file, line, record and recordId (for an enrollment, its section\'s id); never the value',
    example: { 'enrollments.csv School_id': [{ file: 'enrollments.csv', line: 7, record: 5, recordId: 'sis-section-0ce45e9f5bc797f48d61dcd6' }] },
  })
  mismatchedAt!: Record<string, InputLocation[]>;
  @ApiProperty({
    ...counts('new members of sections that an events sync recorded though the ledger holds the user without the role of the list naming them: section.students (a user without the student role enrolled as a student), section.teachers (a user without the teacher role assigned as a teacher). A full sync refuses such a section instead. Empty when there were none, and for syncs recorded before this was kept'),
    example: { 'section.students': 1 },
  })
  roleConflicts!: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'object', additionalProperties: true } },
    description: "where the first three of each roleConflicts entry were read, as unknownValuesAt: the Clever event's page and its section's id (recordId)",
    example: { 'section.students': [{ file: 'https://api.clever.com/v3.0/events?limit=1000', record: 12, recordId: '58da8c6b894273be680001fc' }] },
  })
  roleConflictsAt!: Record<string, InputLocation[]>;
  @ApiProperty({
    ...counts("records their files give no name, by kind: section (a sections.csv row with neither Name nor Course_name, which Clever's CSV format allows; a name of \"\" in a JSON snapshot, Clever's API or an events sync's sections.created/updated event), recorded without a name, or with the ledger's kept when the file has neither column (see kept). Empty when there were none, and for syncs recorded before this was kept"),
    example: { section: 2 },
  })
  unnamed!: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'object', additionalProperties: true } },
    description: 'where the first three of each unnamed entry were read, as unknownValuesAt: file, line, record and recordId (the section\'s id); for an events sync, the Clever event and its events page',
    example: { section: [{ file: 'sections.csv', line: 4, record: 2, recordId: 'sis-section-0ce45e9f5bc797f48d61dcd6' }] },
  })
  unnamedAt!: Record<string, InputLocation[]>;
  @ApiProperty({
    ...counts("people kept apart as two users though their files may say they are one, by file and column: staff.csv Staff_email, a staff member whose email is a teacher's where more than one teacher or staff member has that email (one teacher and one staff member of an email are one user with two roles). Empty when there were none, and for syncs recorded before this was kept"),
    example: { 'staff.csv Staff_email': 1 },
  })
  unpaired!: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'object', additionalProperties: true } },
    description: "where the first three of each unpaired entry were read, as unknownValuesAt: file, line, record and recordId (the staff member's id)",
    example: { 'staff.csv Staff_email': [{ file: 'staff.csv', line: 3, record: 1, recordId: 'sis-staff-5d1e0c2b9a3f4e8d7c6b5a49' }] },
  })
  unpairedAt!: Record<string, InputLocation[]>;
  @ApiProperty({
    ...counts("records that end before they start, by kind: term, a term whose end_date is before its start_date (from a JSON snapshot, Clever's API, a CSV upload's sections.csv or an events sync's terms.created/updated event), recorded as given. Empty when there were none, and for syncs recorded before this was kept"),
    example: { term: 1 },
  })
  endsBeforeStart!: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'object', additionalProperties: true } },
    description: "where the first three of each endsBeforeStart entry were read, as unknownValuesAt: file, line, record and recordId (the term's id); for an events sync, the Clever event and its events page",
    example: { term: [{ file: 'sections.csv', line: 3, record: 1, recordId: 'sis-term-0ce45e9f5bc797f48d61dcd6' }] },
  })
  endsBeforeStartAt!: Record<string, InputLocation[]>;
  @ApiProperty({
    type: SnapshotContentsSchema,
    nullable: true,
    description: "the files the sync read, with their SHA-256, when it read a folder and reached its end (a sync recognised by `sameFilesAs`: that sync's, the same bytes)",
  })
  contents!: SnapshotContents | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'set when the state the sync left is known to be what its files make (it appended nothing, or each record it read was checked against the state its events made): the ledger state format of that check. Only such a sync\'s files are recognised when they come again',
  })
  settledUnder!: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'for a full sync that ran because an events sync could not go on from its cursor (none yet, too old, unknown to Clever): why',
    example: 'Clever no longer knows its cursor, event 6a1f0c2b9d3e4f5a6b7c8d9e (HTTP 404)',
  })
  fallback!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "for a full sync through the Clever API that could not read Clever's newest event first, so set no events cursor (an events sync cannot follow it): why",
    example: "the newest Clever event could not be read, so this sync set no events cursor (an events sync goes on from the cursor an earlier sync set, if there is one, else runs in full): Clever refused GET https://api.clever.com/v3.0/events?ending_before=last&limit=1 (HTTP 400): ...",
  })
  cursorNotSet!: string | null;
  @ApiProperty({
    type: SyncEventsCursorSchema,
    nullable: true,
    description:
      "where the sync moved its district's Clever events cursor (completed; in the same append as its roster events), or moves it when approved (held): the events sync after it reads Clever's events after `value`. Null when it moved none (an import, an events sync that read no new event), when discarded (the cursor stayed where it was), and for syncs recorded before this was kept",
  })
  eventsCursor!: SyncEventsCursor | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'the earlier sync whose files these were, byte for byte, with nothing of the district recorded since: this sync read no record and appended nothing, and its findings are that sync\'s',
  })
  sameFilesAs!: string | null;
  @ApiPropertyOptional({ type: SyncProgressSchema, description: 'while a sync this server runs is running: how far it got' })
  progress?: SyncProgressSchema;
}

export class SyncListSchema {
  @ApiProperty({ type: [SyncSummarySchema] }) items!: SyncSummarySchema[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `after` for the older syncs; null when none are older' }) next!: string | null;
}

/**
 * A property that takes one of `values` or null. OpenAPI 3.0 validators take `nullable` with an
 * `enum` to allow null only when the enum lists it too.
 */
function nullableEnum(values: string[]): { enum: string[]; nullable: true } {
  return { enum: [...values, null] as unknown as string[], nullable: true };
}
