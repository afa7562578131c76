import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Page, RelatedKind, RelatedRecord, TimelineEntry } from '@roster-ledger/ledger';
import { ChangeSchema, LastKnownSchema } from './change.schema';

/** A record a timeline entry names besides the timeline's own, with its name. */
export class RelatedRecordSchema implements RelatedRecord {
  @ApiProperty({
    description:
      'the key of `data` holding its id: `sectionId`, `studentId`, `teacherId`, `from`, `to` (a primary teacher change), or `id` (the record the change is about, on a school timeline); or `changes.<field>` for a school, term or course a change points at before or after (`changes.school`, `changes.schools`, `changes.term_id`, `changes.course`)',
    example: 'sectionId',
  })
  field!: string;
  @ApiProperty({ enum: ['user', 'section', 'school', 'term', 'course'] }) kind!: RelatedKind;
  @ApiProperty({ example: '5a25ffc265e950634b00017c' }) id!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "a class's, school's, term's or course's name (every role), or a person's first and last name (roles that may see names: not engineers); the current one, or the last one a removed record had; null for an id never seen, or when the role may not see it",
    example: 'Group Guidance - Greene - 0',
  })
  name!: string | null;
  @ApiProperty({ enum: ['active', 'removed', 'unknown'], description: 'the record now; unknown for an id the read models never saw' })
  status!: 'active' | 'removed' | 'unknown';
  @ApiPropertyOptional({ type: Boolean, description: "true when the person's name was left out for this role; absent otherwise" }) personalRedacted?: true;
}

/** One event on a timeline: a change, and the records it names. */
export class TimelineEntrySchema extends ChangeSchema implements TimelineEntry {
  @ApiProperty({
    type: [RelatedRecordSchema],
    description: "the records the entry names besides the timeline's own, named: the class on a person's timeline, the student or teacher on a class's, the person or class on a school's, and the schools, term or course a change points at",
  })
  related!: RelatedRecordSchema[];
  @ApiPropertyOptional({
    type: LastKnownSchema,
    nullable: true,
    description:
      "only on the entries of the timeline's own record: on a removal, the record as it stood just before (null when the log holds no earlier version); " +
      'on a share again, the record as it stood when it was removed (see the audit feed)',
  })
  lastKnown?: LastKnownSchema | null;
}

/** A page of a timeline, oldest first. */
export class TimelinePageSchema implements Page<TimelineEntrySchema> {
  @ApiProperty({ type: [TimelineEntrySchema] }) items!: TimelineEntrySchema[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `after` for the next page; null on the last page' }) next!: string | null;
}
