import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { LastKnownRecord, LoggedChange, Page } from '@roster-ledger/ledger';

/** A removed record as it stood just before its removal. */
export class LastKnownSchema implements LastKnownRecord {
  @ApiProperty({ type: 'object', additionalProperties: true, description: "its fields (a user's: the removed role's, such as grade, schools, title; a class's name)" })
  record!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "its personal fields (a user's name, email, SIS id, numbers, demographics), only what the role may see",
  })
  personal!: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'true when personal fields were left out for this role' }) personalRedacted?: boolean;
}

/** One event of the log as a person reads it, with both clocks: what timelines and the audit feed share. */
export class ChangeSchema implements LoggedChange {
  @ApiProperty({ description: 'log position (the cursor of paging)', example: 10886 }) position!: number;
  @ApiProperty({ example: 'user-5a25ffb0c1bc2a003600040b' }) streamId!: string;
  @ApiProperty({ example: 'DemographicUpdated' }) type!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the sync that recorded it' }) syncId!: string | null;
  @ApiProperty({ type: String, nullable: true }) districtId!: string | null;
  @ApiProperty({ description: "when the sync saw the district this way (the ledger's clock); for a held sync's approval or discard, or a sync found interrupted, when that was decided", example: '2025-10-02T06:00:00.000Z' }) observedAt!: string;
  @ApiProperty({ description: 'when the ledger wrote it', example: '2025-10-02T06:00:01.250Z' }) recordedAt!: string;
  @ApiProperty({ type: String, nullable: true, description: "when Clever says the record last changed (Clever's clock)" }) cleverLastModified!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'where its sync read it: clever-api (the Data API), clever-events (the Events API), snapshot (a snapshot folder) or sftp-csv (an SFTP CSV upload); null for an event of no sync',
    example: 'clever-events',
  })
  source!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "the Clever event it was recorded from (an events sync's), to trace it in Clever's feed; null otherwise", example: '6a1f0c2e9b1d4a0012345678' })
  cleverEventId!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'the event data; `personal` holds only what the role may see, with `personalRedacted: true` when something was left out',
  })
  data!: Record<string, unknown>;
}

/** One event of a district's audit feed: a change, its record type, and on a removal who or what was removed. */
export class AuditChangeSchema extends ChangeSchema {
  @ApiProperty({ description: 'student, teacher, staff, district_admin, section, enrollment, school, term, course, district, sync' })
  recordType!: string;
  @ApiPropertyOptional({
    type: LastKnownSchema,
    nullable: true,
    description:
      'on a removal (StudentRemoved, SectionRemoved, SchoolRemoved, ...): who or what was removed, as it stood just before, ' +
      'folded from its earlier events in the log (the removal event itself carries only the id); null when the log holds no earlier version of it. ' +
      'On a share of a record that was removed (shared again): the record as it stood when it was removed, the before of what the share says now; ' +
      'absent on a first share. On a timeline, only on the entries of the timeline\'s own record',
  })
  lastKnown?: LastKnownSchema | null;
}

/** A change of the audit export: the feed's, with the people behind its sync (see ExportedChange). */
export class AuditExportChangeSchema extends AuditChangeSchema {
  @ApiProperty({ type: String, nullable: true, description: 'who asked for the sync that recorded it (a CLI user, an API key\'s holder, the schedule)' })
  syncRequestedBy!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'who approved that sync, when the mass-change guard held it; null otherwise' })
  syncApprovedBy!: string | null;
}

/** A page of the audit feed, oldest first. */
export class AuditPageSchema implements Page<AuditChangeSchema> {
  @ApiProperty({ type: [AuditChangeSchema] }) items!: AuditChangeSchema[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `after` for the next page; null on the last page' }) next!: string | null;
}
