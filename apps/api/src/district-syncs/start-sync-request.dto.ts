import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { SYNC_MODES, type SyncMode } from '@roster-ledger/ledger';

/** `POST /districts/:id/syncs` body. */
export class StartSyncRequestDto {
  @ApiProperty({
    enum: SYNC_MODES,
    description: 'full: the whole district from the Data API (and a new events cursor); events: the Events API after the cursor (a full sync when there is no usable cursor)',
  })
  @IsIn(SYNC_MODES, {
    message: ({ value }) =>
      value === undefined
        ? `mode is required: send {"mode": "full"} or {"mode": "events"} (as JSON, with Content-Type: application/json)`
        : `mode must be one of ${SYNC_MODES.join(', ')}, got ${JSON.stringify(value)}`,
  })
  mode!: SyncMode;
}
