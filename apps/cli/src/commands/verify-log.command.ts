import { Inject } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { LOG_SEALS, type LogSealReport, type LogSeals } from '@roster-ledger/ledger';
import { EXIT_FAILED, err, json, out } from '../output/cli-output';
import { LedgerCommandRunner } from './ledger-command-runner';
import { reportError, type CommonOptions } from './common-options';

interface VerifyLogOptions extends CommonOptions {
  expect?: string;
}

const n = (value: number): string => value.toLocaleString('en-US');

/** Runs of unsealed events named one by one; the rest are counted. */
const UNSEALED_RANGES_SHOWN = 10;

/**
 * Checks the whole log against the seals its appends recorded (see LogSeals): an event changed,
 * removed or added in the file since it was recorded is found, and named by its seal. Exit 1
 * when the log is not as recorded, or no longer holds the seal `--expect` names.
 */
@Command({ name: 'verify-log', description: 'check that the event log is as it was recorded, against the seals of its appends' })
export class VerifyLogCommand extends LedgerCommandRunner {
  /** It reads the log itself, not the read models. */
  static readonly skipsCatchUp = true;

  constructor(@Inject(LOG_SEALS) private readonly seals: LogSeals) {
    super();
  }

  async run(_: string[], options: VerifyLogOptions): Promise<void> {
    try {
      if (!options.json) err('checking every event of the log against the seals of its appends...');
      const report = await this.seals.verify(options.expect === undefined ? {} : { expect: options.expect });
      const intact = report.broken === null && report.unsealedAfter === 0 && report.unsealedBetween.length === 0 && report.expected?.found !== false;
      if (!intact) process.exitCode = EXIT_FAILED;
      if (options.json) return json({ intact, ...report });
      for (const line of verifyLogReport(report, options.expect)) out(line);
    } catch (error) {
      reportError(error, options.json);
    }
  }

  @Option({ flags: '--expect <sha256>', description: 'a seal printed before (kept elsewhere): the log must still hold everything up to it' })
  parseExpect(value: string): string {
    if (!/^[0-9a-f]{64}$/.test(value)) throw new Error(`--expect must be a seal as verify-log prints it, 64 hex digits, got "${value}"`);
    return value;
  }
}

/** What `verify-log` says of a check: whether the log is as recorded, what the seals do not cover, and the seal to keep. */
export function verifyLogReport(report: LogSealReport, expect?: string): string[] {
  const lines: string[] = [];
  const between = report.unsealedBetween;
  for (const { from, to, events } of between.slice(0, UNSEALED_RANGES_SHOWN)) {
    const which = from === to ? `event ${n(from)} lies` : `events ${n(from)} to ${n(to)} (${n(events)}) lie`;
    lines.push(`NOT AS RECORDED: ${which} between two seals, under none: written outside an append (by hand, or by a release that keeps no seals).`);
  }
  if (between.length > UNSEALED_RANGES_SHOWN) lines.push(`  ... and ${n(between.length - UNSEALED_RANGES_SHOWN)} more such runs of events (--json lists them all).`);
  if (report.broken !== null) {
    const { from, to, reason } = report.broken;
    lines.push(`NOT AS RECORDED: events ${n(from)} to ${n(to)} (under one seal): ${reason}.`);
    lines.push(`  The log is as recorded up to position ${n(report.sealedUpTo)}; what follows was not checked.`);
    if (expect !== undefined && report.expected !== null) lines.push(expectedAfterBreak(report.expected, expect));
    return lines;
  }
  // a kept seal the chain no longer holds: the log is not as it was then, whatever its own seals say
  const lost = expect !== undefined && report.expected !== null && !report.expected.found;
  if (lost) {
    lines.push(`NOT AS RECORDED: the seal ${expect} is not in the log's chain: the log no longer holds what it held when that seal was printed (events cut from its end, or the seals written again).`);
  }
  if (report.unsealedAfter > 0) {
    lines.push(`NOT AS RECORDED: ${n(report.unsealedAfter)} events after position ${n(report.sealedUpTo)} are under no seal: added to the file outside an append (or by a release that keeps no seals).`);
  } else if (between.length > 0 || lost) {
    lines.push(`  Apart from that, the seals check out: ${n(report.events)} events, ${n(report.seals)} seals, the last at position ${n(report.sealedUpTo)}.`);
  } else if (report.events === 0) {
    lines.push('The log holds no events yet.');
  } else if (report.seals === 0) {
    lines.push(`No seal covers the log: its ${n(report.events)} events were recorded before seals were kept (by an earlier release). What is appended from now on is sealed.`);
  } else {
    lines.push(`The log is as it was recorded: ${n(report.events)} events, ${n(report.seals)} seals, the last at position ${n(report.sealedUpTo)}.`);
  }
  if (report.unsealedBefore > 0 && report.seals > 0) {
    lines.push(`  ${n(report.unsealedBefore)} events were recorded before seals were kept (by an earlier release): no seal covers them.`);
  }
  if (expect !== undefined && report.expected?.found === true) {
    lines.push(`  The seal ${expect} (position ${n(report.expected.position!)}) is in the chain: the log holds all it held then.`);
  }
  if (report.lastSeal !== null) {
    lines.push(`  Last seal: ${report.lastSeal.sha256} (position ${n(report.lastSeal.position)})`);
    // a seal of a log found not as recorded is no baseline to keep
    if (!lost && between.length === 0 && report.unsealedAfter === 0) lines.push('  Keep it elsewhere: verify-log --expect <it> finds later whether the log still holds all it holds now.');
  }
  return lines;
}

/**
 * What a check broken before its end says of the `--expect`ed seal: in the part of the chain that
 * holds, past the break (a seal of that hash is there, but the chain up to it no longer holds, so
 * it was not checked: not the same as gone), the broken seal itself, or in none of them.
 */
function expectedAfterBreak(expected: NonNullable<LogSealReport['expected']>, expect: string): string {
  if (expected.found) return `  The seal ${expect} (position ${n(expected.position!)}) is in the chain: the log holds all it held then.`;
  if (expected.checked === false) return `  The seal ${expect} (position ${n(expected.position!)}) lies past the break: it was not checked.`;
  // the break's own line above says how it breaks (events changed or removed, or seals that overlap)
  if (expected.position !== null) return `  The seal ${expect} (position ${n(expected.position)}) is the one where the chain breaks.`;
  return `  The seal ${expect} is not in the log's chain: the log no longer holds what it held when that seal was printed.`;
}
