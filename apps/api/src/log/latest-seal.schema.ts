import { ApiProperty } from '@nestjs/swagger';
import type { LatestLogSeal } from '@roster-ledger/ledger';

class LogSealSchema {
  @ApiProperty({ description: 'the last position the seal covers', example: 10883 }) position!: number;
  @ApiProperty({ description: 'the hash of the whole log up to that position, chained from the first seal', example: 'cbf05c9920e894894b84d3e16de1a3d35b0cc2df8ad7f7d63877ada1638006fe' })
  sha256!: string;
}

export class LatestLogSealSchema implements LatestLogSeal {
  @ApiProperty({ description: "the log's last position", example: 10883 }) head!: number;
  @ApiProperty({ type: LogSealSchema, nullable: true, description: 'null while no append has sealed its events (a new ledger, or one whose events all came from a release that kept no seals)' })
  seal!: LogSealSchema | null;
}
