import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { QueryBus } from '@nestjs/cqrs';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { InvalidInput } from '@roster-ledger/domain';
import { AUDIT_EVENT_TYPES, AUDIT_RECORD_TYPES, emptyRangeProblem, exportAudit, parseMomentOrFail, unknownListValues, type AuditExportFormat } from '@roster-ledger/ledger';
import { EXIT_USAGE, err } from '../output/cli-output';
import { cliViewer, DB_OPTION, reportError, ROLE_OPTION } from './common-options';

interface ExportOptions {
  district?: string;
  from?: string;
  to?: string;
  types?: string[];
  recordTypes?: string[];
  school?: string;
  sync?: string;
  format?: AuditExportFormat;
  out?: string;
  role?: string;
}

/**
 * A comma-separated option, each value one of `allowed`: a mistyped type must be refused, not
 * answered with an empty feed that reads as "nothing of that kind happened".
 */
function list(option: string, value: string, allowed: readonly string[], what: string): string[] {
  const values = value.split(',').map((s) => s.trim()).filter(Boolean);
  const wrong = unknownListValues(values, allowed, what);
  if (wrong !== null) throw new InvalidInput(`${option}: ${wrong}`, { field: option });
  return values;
}

@SubCommand({ name: 'export', description: 'stream the audit feed, filtered, as CSV or JSON (to stdout or --out)' })
export class AuditExportCommand extends CommandRunner {
  constructor(private readonly queries: QueryBus) {
    super();
  }

  /**
   * A range that holds no moment is a usage error, found before the ledger is opened and said in
   * the words given: each option alone was a good date (see parseFrom, parseTo).
   */
  static checkArguments(_: readonly string[], options: Readonly<Record<string, unknown>>): void {
    const { from, to } = options;
    if (typeof from !== 'string' || typeof to !== 'string') return;
    const problem = emptyRangeProblem({ parameter: '--from', text: from }, { parameter: '--to', text: to });
    if (problem !== null) throw new InvalidInput(problem, { field: '--to' });
  }

  async run(_: string[], options: ExportOptions): Promise<void> {
    try {
      const filter = {
        districtId: options.district,
        from: options.from === undefined ? undefined : parseMomentOrFail(options.from, 'start-of-day', '--from'),
        to: options.to === undefined ? undefined : parseMomentOrFail(options.to, 'next-day', '--to'),
        types: options.types,
        recordTypes: options.recordTypes,
        schoolId: options.school,
        syncId: options.sync,
      };
      const sink = options.out ? createWriteStream(options.out) : process.stdout;
      for await (const chunk of exportAudit(this.queries, filter, cliViewer('audit export', options.role ?? 'compliance'), options.format ?? 'csv')) {
        if (!sink.write(chunk)) await once(sink, 'drain');
      }
      if (options.out) {
        (sink as ReturnType<typeof createWriteStream>).end();
        await once(sink, 'finish');
        err(`audit feed written to ${options.out}`);
      }
    } catch (error) {
      reportError(error, false);
    }
  }

  @Option({ flags: '--format <format>', description: 'csv (default) or json', choices: ['csv', 'json'] })
  parseFormat(value: string): string {
    return value;
  }
  @Option({ flags: '--from <date>', description: 'changes observed at or after this date or timestamp' })
  parseFrom(value: string): string {
    parseMomentOrFail(value, 'start-of-day', '--from'); // a bad date is a usage error, found before the ledger is opened
    return value;
  }
  @Option({ flags: '--to <date>', description: 'changes observed before this timestamp, or up to the end of this date' })
  parseTo(value: string): string {
    parseMomentOrFail(value, 'next-day', '--to');
    return value;
  }
  @Option({ flags: '--types <list>', description: 'event types, comma-separated (e.g. StudentShared,StudentRemoved)' })
  parseTypes(value: string): string[] {
    return list('--types', value, AUDIT_EVENT_TYPES, 'an event type');
  }
  @Option({ flags: '--record-types <list>', description: `record types, comma-separated: ${AUDIT_RECORD_TYPES.join(', ')}` })
  parseRecordTypes(value: string): string[] {
    return list('--record-types', value, AUDIT_RECORD_TYPES, 'a record type');
  }
  @Option({ flags: '--district <id>', description: 'one district' })
  parseDistrict(value: string): string {
    return value;
  }
  @Option({ flags: '--school <id>', description: 'changes of records of this school' })
  parseSchool(value: string): string {
    return value;
  }
  @Option({ flags: '--sync <id>', description: 'changes made by this sync' })
  parseSync(value: string): string {
    return value;
  }
  @Option({ flags: '--out <file>', description: 'write to this file instead of stdout' })
  parseOut(value: string): string {
    return value;
  }
  @Option({ ...ROLE_OPTION, description: ROLE_OPTION.description.replace('default admin', 'default compliance') })
  parseRole(value: string): string {
    return value;
  }
  @Option(DB_OPTION)
  parseDb(value: string): string {
    return value;
  }
}

@Command({ name: 'audit', description: 'the audit feed of roster changes', subCommands: [AuditExportCommand] })
export class AuditCommand extends CommandRunner {
  /** `audit` alone, or with an unknown command, is a usage error (see checkUsage). */
  static readonly subCommandRequired = true;

  async run(): Promise<void> {
    this.command.help();
    process.exitCode = EXIT_USAGE;
  }
}
