import { QueryBus } from '@nestjs/cqrs';
import { Command, Option } from 'nest-commander';
import { GetAccessLogQuery, parseMomentOrFail, type AccessLogEntry, type Page } from '@roster-ledger/ledger';
import { json, out, outLine } from '../output/cli-output';
import { nextPageLine } from '../output/next-page';
import { LedgerCommandRunner } from './ledger-command-runner';
import { parseIdOption, parseInteger, parsePageLimit, refuseEmptyRange, refuseNonAuditReader, reportError, ROLE_OPTION, type CommonOptions } from './common-options';

interface AccessLogOptions extends CommonOptions {
  student?: string;
  who?: string;
  from?: string;
  to?: string;
  limit?: number;
  after?: number;
  role?: string;
}

/**
 * Who read which students' personal data, when, and through which command or endpoint: what
 * `GET /access-log` answers, for compliance at a terminal. Newest first, a page at a time.
 */
@Command({ name: 'access-log', description: "who read which students' personal data, when, and through what (newest first)" })
export class AccessLogCommand extends LedgerCommandRunner {
  /** It reads the access log's own file: the read models, which it does not read, need not be caught up first. */
  static readonly skipsCatchUp = true;

  constructor(private readonly queries: QueryBus) {
    super();
  }

  /** As the API's roles for GET /access-log, and a range that holds no moment, refused before the ledger is opened. */
  static checkArguments(_: readonly string[], options: Readonly<Record<string, unknown>>): void {
    refuseNonAuditReader(options['role'], 'the access log');
    refuseEmptyRange(options['from'], options['to']);
  }

  async run(_: string[], options: AccessLogOptions): Promise<void> {
    try {
      const page = await this.queries.execute<GetAccessLogQuery, Page<AccessLogEntry>>(
        new GetAccessLogQuery({
          studentId: options.student,
          who: options.who,
          from: options.from === undefined ? undefined : parseMomentOrFail(options.from, 'start-of-day', '--from'),
          to: options.to === undefined ? undefined : parseMomentOrFail(options.to, 'next-day', '--to'),
          after: options.after,
          limit: options.limit ?? 50,
        }),
      );
      if (options.json) return json({ items: page.items, next: page.next ?? null });
      if (page.items.length === 0) {
        if (options.after !== undefined) return out('No older reads match.');
        out('No reads of students’ personal data recorded that match.');
        // "alice" for the key "Alice" finds nothing, which must not read as "alice read nothing"
        if (options.who !== undefined) out('  --who matches a name whole and as written (case counts): access-log without --who shows the names that read.');
        return;
      }
      out(['read at'.padEnd(24), 'who'.padEnd(16), 'role'.padEnd(10), 'through'.padEnd(34), 'students'].join('  '));
      for (const e of page.items) outLine(accessLine(e));
      if (page.next !== null && page.next !== undefined) out(nextPageLine('--after', page.next));
    } catch (error) {
      reportError(error, options.json);
    }
  }

  @Option({ flags: '--student <id>', description: "only reads that showed this student's data" })
  parseStudent(value: string): string {
    return parseIdOption('--student', value);
  }
  @Option({ flags: '--who <name>', description: 'only reads by this API key name, or this login name for the CLI: the whole name, as written (case counts)' })
  parseWho(value: string): string {
    return value;
  }
  @Option({ flags: '--from <date>', description: 'reads at or after this date or timestamp' })
  parseFrom(value: string): string {
    parseMomentOrFail(value, 'start-of-day', '--from'); // a bad date is a usage error, found before the ledger is opened
    return value;
  }
  @Option({ flags: '--to <date>', description: 'reads before this timestamp, or up to the end of this date' })
  parseTo(value: string): string {
    parseMomentOrFail(value, 'next-day', '--to');
    return value;
  }
  @Option({ flags: '--limit <n>', description: 'at most this many (default 50)' })
  parseLimit(value: string): number {
    return parsePageLimit(value);
  }
  @Option({ flags: '--after <n>', description: 'the next page: the number the page before ended with ("More: --after ...")' })
  parseAfter(value: string): number {
    return parseInteger('--after', value);
  }
  @Option({ ...ROLE_OPTION, description: ROLE_OPTION.description.replace('default admin', 'default compliance') })
  parseRole(value: string): string {
    return value;
  }
}

/** One read: when, by whom, as which role, through what, and the students it showed (the first three, and how many more). */
function accessLine(e: AccessLogEntry): string {
  const shown = e.studentIds.slice(0, 3).join(', ');
  const more = e.studentIds.length > 3 ? ` and ${(e.studentIds.length - 3).toLocaleString('en-US')} more` : '';
  return [e.at.padEnd(24), e.who.padEnd(16), e.role.padEnd(10), e.endpoint.padEnd(34), `${e.studentIds.length.toLocaleString('en-US')}: ${shown}${more}`].join('  ');
}
