import { ApiProperty } from '@nestjs/swagger';
import type { Membership } from '@roster-ledger/ledger';

/** A membership of a class: who, in which role, since when and by which sync, until when. */
export class MembershipSchema implements Membership {
  @ApiProperty() sectionId!: string;
  @ApiProperty() userId!: string;
  @ApiProperty({ enum: ['student', 'teacher'] }) role!: 'student' | 'teacher';
  @ApiProperty({ description: 'primary teacher' }) primary!: boolean;
  @ApiProperty({ description: 'observedAt of the sync that saw the membership begin' }) since!: string;
  @ApiProperty({ type: String, nullable: true }) sinceSync!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'observedAt of the sync that made this teacher the primary one (later than `since` after a primary teacher change); null for anyone not primary at the moment',
  })
  primarySince!: string | null;
  @ApiProperty({ type: String, nullable: true }) primarySinceSync!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'when the membership ended, if it has since the moment; null while it lasts' }) until!: string | null;
}
