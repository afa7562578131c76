import { ApiProperty } from '@nestjs/swagger';
import type { RecordParts, UserRole } from '@roster-ledger/domain';
import type { AccountAnswer, AccountSearchPage } from '@roster-ledger/ledger';

/** An account as the caller's role may see it. */
export class AccountSchema implements AccountAnswer {
  @ApiProperty({ example: '5a25ffb0c1bc2a003600040b' }) id!: string;
  @ApiProperty({ type: String, nullable: true }) districtId!: string | null;
  @ApiProperty({ enum: ['active', 'removed'] }) status!: 'active' | 'removed';
  @ApiProperty({ type: [String], example: ['student'] }) roles!: UserRole[];
  @ApiProperty({ type: [String], example: [], description: 'roles held before and no more (a removed student: ["student"])' }) formerRoles!: UserRole[];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'personal fields: all for compliance and admin; names, emails and numbers for support; none for engineers',
  })
  personal!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'per role: its fields and its personal fields (redacted likewise)' })
  facets!: Partial<Record<UserRole, RecordParts>>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'per role the person no longer holds: its fields and personal fields as they stood when it was removed (a removed student\'s SIS id), redacted likewise',
  })
  formerFacets!: Partial<Record<UserRole, RecordParts>>;
  @ApiProperty() firstSharedAt!: string;
  @ApiProperty({ type: String, nullable: true }) firstSharedSync!: string | null;
  @ApiProperty() lastChangedAt!: string;
  @ApiProperty({ type: String, nullable: true }) removedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) removedSync!: string | null;
  @ApiProperty({ description: 'true when personal fields were left out for this role' }) personalRedacted!: boolean;
}

export class AccountPageSchema implements AccountSearchPage {
  @ApiProperty({ type: [AccountSchema] }) items!: AccountSchema[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `after` for the next page; null on the last page' }) next!: string | null;
  @ApiProperty({
    enum: ['name or identifier', 'clever id'],
    description: 'what the text was compared with: engineers, who may see no personal data, find an account by its Clever id alone',
  })
  searchedBy!: AccountSearchPage['searchedBy'];
  @ApiProperty({
    type: [String],
    example: [],
    description:
      "ids of this page's accounts that matched only on a name, email or id they had before (a student renamed since the ticket was written): each account shows its present ones",
  })
  foundByFormer!: string[];
}
