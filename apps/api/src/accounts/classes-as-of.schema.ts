import { ApiProperty } from '@nestjs/swagger';
import { MemberSchema } from '../classes/roster.schema';

class ClassMembershipSchema extends MemberSchema {
  @ApiProperty({ type: String, nullable: true, description: "the class's name now (the last it had, if removed since): a roster as of the moment names it as it was then" })
  className!: string | null;
}

/** The classes a user was in at a moment. */
export class ClassesAsOfSchema {
  @ApiProperty() userId!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ type: [ClassMembershipSchema] }) classes!: ClassMembershipSchema[];
}
