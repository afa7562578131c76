import { ApiProperty } from '@nestjs/swagger';
import type { AccessLogEntry } from '@roster-ledger/ledger';

/** One request that showed students' personal data. */
export class AccessLogEntrySchema implements AccessLogEntry {
  @ApiProperty() at!: string;
  @ApiProperty({ description: 'the API key holder (or CLI user)', example: 'alice' }) who!: string;
  @ApiProperty({ example: 'support' }) role!: string;
  @ApiProperty({ description: 'the endpoint, as its route pattern', example: 'GET /accounts/:id' }) endpoint!: string;
  @ApiProperty({ type: [String] }) studentIds!: string[];
}

export class AccessLogSchema {
  @ApiProperty({ type: [AccessLogEntrySchema] }) items!: AccessLogEntrySchema[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `after` for the older entries; null on the last page' }) next!: string | null;
}
