import { randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { dirname, resolve } from 'node:path';
import { QueryBus } from '@nestjs/cqrs';
import { studentsNamedInSyncEvents } from '@roster-ledger/clever';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { InvalidInput } from '@roster-ledger/domain';
import { AUDIT_EVENT_TYPES, AUDIT_RECORD_TYPES, exportAudit, parseMomentOrFail, unmatchableTypesProblem, type AuditExportFormat, type LoggedChange } from '@roster-ledger/ledger';
import { ledgerPathOf } from '@roster-ledger/config';
import { ledgerOwnPathAt, realPathOf } from '../ledger-own-paths';
import { EXIT_FAILED, EXIT_USAGE, err, json, whenOutputFails } from '../output/cli-output';
import { asksForJson, cliViewer, parseIdOption, DB_OPTION, parseCommaList, refuseEmptyRange, refuseNonAuditReader, reportError, ROLE_OPTION, parseDistrictId, parseInteger } from './common-options';

interface ExportOptions {
  district?: string;
  from?: string;
  to?: string;
  types?: string[];
  recordTypes?: string[];
  school?: string;
  sync?: string;
  format?: AuditExportFormat;
  json?: boolean;
  out?: string;
  role?: string;
  after?: number;
  bom?: boolean;
}

/**
 * `--out` must name a file in a folder that exists: found before the ledger is opened, as any
 * usage mistake, rather than as an unexpected EISDIR once the feed is being read.
 */
function outFileProblem(out: string): void {
  const folder = dirname(resolve(out));
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InvalidInput(`--out: the folder ${folder} does not exist`, { field: '--out' });
  }
  if (statSync(out, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InvalidInput(`--out: ${out} is a folder; name a file`, { field: '--out' });
  }
}

/**
 * Nor the ledger itself, nor a file it keeps beside it (its access log, a held sync's change set,
 * a read model's file), however named: the export would be renamed over it, and neither the log
 * nor the access log can be made again from anything.
 */
function refuseLedgerOwnPath(out: string, ledger: string): void {
  const own = ledgerOwnPathAt(out, ledger);
  if (own === null) return;
  const what = own === realPathOf(ledger) ? 'the ledger itself' : `what the ledger keeps beside it (${own})`;
  throw new InvalidInput(`--out: ${out} is ${what}: name a file apart from the ledger's own; nothing was written`, { field: '--out' });
}

/**
 * Writes the export beside `out`, flushed to disk, and renames it over `out` once it is whole, so
 * that a refused or failed export (a full disk half-way) leaves a file already there as it was,
 * and never a part of a feed that reads as the whole of it. A device or a pipe (`/dev/stdout`) has
 * nothing to keep: it is written to as it is.
 */
async function writeWhole(chunks: AsyncIterable<string>, out: string): Promise<void> {
  if (statSync(out, { throwIfNoEntry: false })?.isFile() === false) return pipeline(Readable.from(chunks), createWriteStream(out));
  const partial = `${out}.${randomBytes(6).toString('hex')}.partial`;
  try {
    await pipeline(Readable.from(chunks), createWriteStream(partial, { flags: 'wx' }));
    const written = openSync(partial, 'r');
    try {
      fsyncSync(written);
    } finally {
      closeSync(written);
    }
    renameSync(partial, out);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

/** What an export cut short says of itself, on stdout or in a device or pipe given as --out. */
const INCOMPLETE = 'this export is incomplete (export again; a whole one ends with how many changes it wrote and the next --after)';

/**
 * What the file system's refusal to take the export at `--out` says (a full disk, no permission:
 * an error with a system code, ENOSPC, EACCES), as a write to stdout says it, naming the file and
 * what became of it; null for any other error, which is reported as such. A file is written
 * beside `out` and renamed over it only once whole (see writeWhole): nothing was written there.
 */
export function exportNotWritten(error: unknown, out: string, regularFile: boolean): string | null {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return null;
  const why = code === 'ENOSPC' ? 'the disk is full, ENOSPC' : code;
  const left = regularFile ? `nothing was written there (a file already there is as it was): export again` : INCOMPLETE;
  return `writing the export to ${out} failed (${why}): ${left}`;
}

@SubCommand({ name: 'export', description: 'stream the audit feed, filtered, as CSV or JSON (to stdout or --out)' })
export class AuditExportCommand extends CommandRunner {
  constructor(private readonly queries: QueryBus) {
    super();
  }

  /**
   * A range that holds no moment, or event types that can never be of the record types given, is
   * a usage error, found before the ledger is opened and said in the words given: each option
   * alone was good (see parseFrom, parseTo, parseTypes, parseRecordTypes). So is an `--out` that
   * is the ledger's own file: refused before the read models are brought up to the log (minutes
   * at scale), not after.
   */
  static checkArguments(_: readonly string[], options: Readonly<Record<string, unknown>>): void {
    const { from, to, types, recordTypes, role, json, format, bom, out, db } = options;
    // (no ledger there: that is what the command says, once it looks for one)
    const ledger = ledgerPathOf(process.env, db as string | undefined);
    if (typeof out === 'string' && existsSync(ledger)) refuseLedgerOwnPath(out, ledger);
    if (json === true && format === 'csv') throw new InvalidInput('--json asks for JSON and --format csv for CSV: give one of them', { field: '--json' });
    if (bom === true && (json === true || format === 'json')) throw new InvalidInput('--bom is for a CSV export (for Excel): JSON has none', { field: '--bom' });
    // the same roles as the API's audit endpoints: the feed is compliance's
    refuseNonAuditReader(role, 'the audit feed');
    const unmatchable = unmatchableTypesProblem(
      { parameter: '--types', values: types as string[] | undefined },
      { parameter: '--record-types', values: recordTypes as string[] | undefined },
    );
    if (unmatchable !== null) throw new InvalidInput(unmatchable, { field: '--record-types' });
    refuseEmptyRange(from, to);
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
      const format = options.json ? 'json' : (options.format ?? 'csv');
      let count = 0;
      let last = options.after;
      const viewer = cliViewer('audit export', options.role ?? 'compliance');
      const onPage = (changes: readonly LoggedChange[]) => {
        count += changes.length;
        last = changes.at(-1)?.position ?? last;
      };
      // the students a sync event's findings name beside a personal field: logged with the rest each page shows
      const chunks = exportAudit(this.queries, filter, viewer, format, { after: options.after, onPage, namedInFindings: studentsNamedInSyncEvents, bom: options.bom === true });
      if (options.out) {
        const out = options.out;
        const regularFile = statSync(out, { throwIfNoEntry: false })?.isFile() !== false;
        const failed = await writeWhole(chunks, out).then(
          () => null,
          (error: unknown) => {
            const notWritten = exportNotWritten(error, out, regularFile);
            if (notWritten === null) throw error;
            return notWritten;
          },
        );
        if (failed !== null) {
          if (asksForJson(options as Record<string, unknown>)) json({ error: { code: 'OUTPUT_FAILED', message: failed } });
          else err(`error: ${failed}`);
          process.exitCode = EXIT_FAILED;
          return;
        }
      } else {
        // what was written is the first part of the export: its reader must not take it for all of it
        whenOutputFails(INCOMPLETE);
        for await (const chunk of chunks) if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
      }
      // what the next export of a series takes as --after, also when this one found nothing new
      err(exportedNote(count, last, options.out));
    } catch (error) {
      reportError(error, asksForJson(options as Record<string, unknown>));
    }
  }

  @Option({ flags: '--format <format>', description: 'csv (default) or json', choices: ['csv', 'json'] })
  parseFormat(value: string): string {
    return value;
  }
  @Option({ flags: '--bom', description: 'start the CSV with a UTF-8 byte order mark, so that Excel reads accented names right' })
  parseBom(): boolean {
    return true;
  }
  // every other command takes --json: here it is the export's own format
  @Option({ flags: '--json', description: 'the same as --format json' })
  parseJson(): boolean {
    return true;
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
  parseTypes(value: string, earlier?: string[]): string[] {
    return parseCommaList('--types', value, AUDIT_EVENT_TYPES, 'an event type', earlier);
  }
  @Option({ flags: '--record-types <list>', description: `record types, comma-separated: ${AUDIT_RECORD_TYPES.join(', ')}` })
  parseRecordTypes(value: string, earlier?: string[]): string[] {
    return parseCommaList('--record-types', value, AUDIT_RECORD_TYPES, 'a record type', earlier);
  }
  @Option({ flags: '--district <id>', description: 'one district' })
  parseDistrict(value: string): string {
    return parseDistrictId(value);
  }
  @Option({ flags: '--school <id>', description: 'changes of records of this school' })
  parseSchool(value: string): string {
    return parseIdOption('--school', value);
  }
  @Option({ flags: '--sync <id>', description: 'changes made by this sync' })
  parseSync(value: string): string {
    return parseIdOption('--sync', value);
  }
  @Option({
    flags: '--after <position>',
    description: 'only changes after this log position: the position of the last change of the export before (exports one after another then hold every change once)',
  })
  parseAfter(value: string): number {
    return parseInteger('--after', value);
  }
  @Option({ flags: '--out <file>', description: 'write to this file instead of stdout (replaced only once the export is whole)' })
  parseOut(value: string): string {
    outFileProblem(value);
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

/**
 * What an export wrote, and the `--after` of the next one of a series: the last change's position,
 * or the `--after` given when there was none (an export with no change has no position of its own
 * to go on from).
 */
export function exportedNote(count: number, last: number | undefined, out: string | undefined): string {
  const where = out === undefined ? '' : ` to ${out}`;
  const changes = count === 1 ? '1 change' : `${count.toLocaleString('en-US')} changes`;
  if (count > 0) return `audit feed written${where}: ${changes}, the last at position ${last}; the next export of a series takes --after ${last}`;
  return last === undefined
    ? `audit feed written${where}: no change`
    : `audit feed written${where}: no change after position ${last}; the next export of a series takes --after ${last} again`;
}
