import { ApiProperty } from '@nestjs/swagger';
import type { PendingChange, PendingChangesPage } from '@roster-ledger/ledger';
import { RelatedRecordSchema } from '../common/timeline.schema';

/** One change a held sync would append. */
export class PendingChangeSchema implements PendingChange {
  @ApiProperty({ description: 'its place in the change set, from 1 (the cursor of paging)', example: 1406 }) index!: number;
  @ApiProperty({ example: 'StudentRemoved' }) type!: string;
  @ApiProperty({ example: 'user-5a25ffb0c1bc2a00360003ed' }) streamId!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'the event data as it would be recorded; `personal` holds only what the role may see, with `personalRedacted: true` when something was left out',
  })
  data!: Record<string, unknown>;
  @ApiProperty({
    type: [RelatedRecordSchema],
    description: 'the records it names, by their names now: the person or class it is about (a removal carries the id alone), and the class and the student or teacher of an enrollment',
  })
  related!: RelatedRecordSchema[];
}

/** A page of a held sync's change set, in the order the approval would append it. */
export class PendingChangesPageSchema implements PendingChangesPage {
  @ApiProperty() syncId!: string;
  @ApiProperty({ type: String, nullable: true }) districtId!: string | null;
  @ApiProperty({ description: 'roster events the sync would append, of every type', example: 1555 }) pending!: number;
  @ApiProperty({ type: [PendingChangeSchema] }) items!: PendingChangeSchema[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `after` for the next page; null on the last page' }) next!: string | null;
}
