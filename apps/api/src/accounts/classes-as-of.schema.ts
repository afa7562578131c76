import { ApiProperty } from '@nestjs/swagger';
import type { ClassesAsOfAnswer, ClassMembership } from '@roster-ledger/ledger';

/** A class the user was in at the moment, with the class as it is now. */
class ClassMembershipSchema implements ClassMembership {
  @ApiProperty() sectionId!: string;
  @ApiProperty() userId!: string;
  @ApiProperty({ enum: ['student', 'teacher'] }) role!: 'student' | 'teacher';
  @ApiProperty({ description: 'primary teacher' }) primary!: boolean;
  @ApiProperty({ description: 'observedAt of the sync that saw the membership begin' }) since!: string;
  @ApiProperty({ type: String, nullable: true }) sinceSync!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'when the membership ended, if it has since the moment; null while it lasts' }) until!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "the class's name now (the last it had, if removed since): a roster as of the moment names it as it was then" })
  className!: string | null;
  @ApiProperty({ enum: ['active', 'removed', 'unknown'], description: "the class's status now" }) status!: 'active' | 'removed' | 'unknown';
}

/** The classes a user was in at a moment. */
export class ClassesAsOfSchema implements ClassesAsOfAnswer {
  @ApiProperty() userId!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ type: [ClassMembershipSchema] }) classes!: ClassMembershipSchema[];
}
