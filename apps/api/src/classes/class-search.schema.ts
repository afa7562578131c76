import { ApiProperty } from '@nestjs/swagger';
import type { ClassSearchHit, Page } from '@roster-ledger/ledger';

/** A class a search found. */
export class ClassFoundSchema implements ClassSearchHit {
  @ApiProperty() id!: string;
  @ApiProperty({ type: String, nullable: true }) districtId!: string | null;
  @ApiProperty({ enum: ['active', 'removed'] }) status!: 'active' | 'removed';
  @ApiProperty({ type: String, nullable: true, description: "the section's name now, or the last one it had if it was removed" }) name!: string | null;
  @ApiProperty({ type: String, nullable: true }) sisId!: string | null;
  @ApiProperty({ type: String, nullable: true }) sectionNumber!: string | null;
  @ApiProperty({ type: String, nullable: true }) schoolId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "the school's name, null when the ledger has none for it" }) schoolName!: string | null;
  @ApiProperty({ enum: ['active', 'removed', 'unknown'], description: '`unknown`: the ledger has never recorded the school' }) schoolStatus!: 'active' | 'removed' | 'unknown';
  @ApiProperty({ type: String, nullable: true }) termId!: string | null;
  @ApiProperty({ type: String, nullable: true }) courseId!: string | null;
}

export class ClassPageSchema implements Page<ClassSearchHit> {
  @ApiProperty({ type: [ClassFoundSchema] }) items!: ClassFoundSchema[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `after` for the next page; null on the last page' }) next!: string | null;
}
