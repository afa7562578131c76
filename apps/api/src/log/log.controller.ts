import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LOG_SEALS, type LatestLogSeal, type LogSeals } from '@roster-ledger/ledger';
import { Roles } from '../auth/roles.decorator';
import { LatestLogSealSchema } from './latest-seal.schema';

/**
 * The event log's seals (README, "The log is tamper-evident"): what compliance keeps elsewhere, so
 * that `roster-ledger verify-log --expect <seal>` can later prove the log still holds everything
 * it held when the seal was taken, even against someone who can write the ledger file.
 */
@ApiTags('log')
@Controller('log')
@Roles('admin', 'engineer', 'compliance')
export class LogController {
  constructor(@Inject(LOG_SEALS) private readonly seals: LogSeals) {}

  @Get('seal')
  @ApiOperation({
    summary: 'The seal of the last append, to keep where the ledger cannot write',
    description:
      'The seal as stored, not a check of the log: `roster-ledger verify-log` checks every seal, and with `--expect <sha256>` whether the chain still holds this one.',
  })
  @ApiOkResponse({ type: LatestLogSealSchema })
  latestSeal(): Promise<LatestLogSeal> {
    return this.seals.latest();
  }
}
