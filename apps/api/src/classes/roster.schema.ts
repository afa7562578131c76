import { ApiProperty } from '@nestjs/swagger';
import type { RosterAnswer, RosterMember } from '@roster-ledger/ledger';
import { MembershipSchema } from '../common/membership.schema';

/** A member of a class at a moment: since when, by which sync. */
export class MemberSchema extends MembershipSchema implements RosterMember {
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'the name, when the role may see it' })
  name!: Record<string, unknown> | null;
  @ApiProperty({ enum: ['active', 'removed', 'unknown'], description: "the account's status now" }) status!: 'active' | 'removed' | 'unknown';
  @ApiProperty({
    description:
      'in the class when a sync shared it (sinceSync: the district\'s first sync, for a class there from the start, or one that shared it again after a removal): ' +
      '`since` is when the ledger began to know the class, or to know it again, and the member may have joined it any time before (while it was not shared, for a class shared again)',
  })
  sinceClassShared!: boolean;
}

/** The class as it stood at the moment read at (its name then, not today's); null fields before it was shared. */
class ClassSummarySchema {
  @ApiProperty({ type: String, nullable: true, description: 'its name at that moment' }) name!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'its school at that moment' }) schoolId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'its term at that moment' }) termId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'its course at that moment' }) courseId!: string | null;
  @ApiProperty({ enum: ['active', 'removed', 'not yet shared'], description: 'the class as it stood at that moment' }) status!: string;
}

export class RosterSchema implements RosterAnswer {
  @ApiProperty() sectionId!: string;
  @ApiProperty({ description: 'the moment read at (UTC)' }) at!: string;
  @ApiProperty({ type: ClassSummarySchema, nullable: true }) class!: ClassSummarySchema | null;
  @ApiProperty({ type: [MemberSchema] }) teachers!: MemberSchema[];
  @ApiProperty({ type: [MemberSchema] }) students!: MemberSchema[];
  @ApiProperty({ description: 'true when names were left out for this role (engineers see ids only)' }) personalRedacted!: boolean;
  @ApiProperty({ description: 'true when `at` is still to come: the roster as the ledger knows it now, which a sync before then may change; not a forecast' })
  momentToCome!: boolean;
}
