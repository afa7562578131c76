import { ApiProperty } from '@nestjs/swagger';
import type { ClassesAsOfAnswer, ClassMembership } from '@roster-ledger/ledger';
import { MembershipSchema } from '../common/membership.schema';

/** A class the user was in at the moment, with the class as it is now. */
class ClassMembershipSchema extends MembershipSchema implements ClassMembership {
  @ApiProperty({ type: String, nullable: true, description: "the class's name now (the last it had, if removed since): a roster as of the moment names it as it was then" })
  className!: string | null;
  @ApiProperty({ enum: ['active', 'removed', 'unknown'], description: "the class's status now" }) status!: 'active' | 'removed' | 'unknown';
  @ApiProperty({
    description: 'in the class when a sync shared it, first or again after a removal (sinceSync is that sync): `since` is when the ledger began to know the class, and the person may have joined it any time before',
  })
  sinceClassShared!: boolean;
}

/** The classes a user was in at a moment. */
export class ClassesAsOfSchema implements ClassesAsOfAnswer {
  @ApiProperty() userId!: string;
  @ApiProperty() at!: string;
  @ApiProperty({
    enum: ['active', 'removed', 'not yet shared'],
    description: 'the person as they stood at that moment: an empty `classes` before their first share says "not yet shared", not "in no class"',
  })
  accountStatus!: 'active' | 'removed' | 'not yet shared';
  @ApiProperty({ type: [ClassMembershipSchema] }) classes!: ClassMembershipSchema[];
  @ApiProperty({ description: 'true when `at` is still to come: the classes as the ledger knows them now, which a sync before then may change; not a forecast' })
  momentToCome!: boolean;
}
