import { ApiProperty } from '@nestjs/swagger';
import { SYNC_MODES, type SyncMode } from '@roster-ledger/ledger';

/** The answer to a sync request: it runs; follow it at `statusUrl`. */
export class SyncStartedSchema {
  @ApiProperty() syncId!: string;
  @ApiProperty({ enum: ['running'] }) status!: 'running';
  @ApiProperty({ example: '/syncs/3f6e…', description: 'GET it for the sync detail, with progress while it runs' }) statusUrl!: string;
  @ApiProperty({ enum: SYNC_MODES }) mode!: SyncMode;
}
