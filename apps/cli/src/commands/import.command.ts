import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Command, Option } from 'nest-commander';
import { LedgerCommandRunner } from './ledger-command-runner';
import { CSV_NEEDS_DISTRICT, csvNamedPipe, entryInAnyCase, listSnapshotFolder, SNAPSHOT_FILE_NAMES, snapshotSubfolders, unreadCsvColumns, WHAT_AN_IMPORT_READS, type SnapshotFolderListing } from '@roster-ledger/clever';
import { InvalidInput, type SyncSummary } from '@roster-ledger/domain';
import { RunSyncCommand } from '@roster-ledger/ledger';
import { json, out } from '../output/cli-output';
import { ProgressBar } from '../output/progress';
import { describeSync, syncJson } from '../output/sync-report';
import { unreadColumnsNote } from '../output/unread-columns-note';
import { unreadFilesNote } from '../output/unread-files-note';
import { parseDistrictId, reportError, whoAmI, type CommonOptions } from './common-options';
import { csvDistrictRefusal } from './csv-district-check';
import { readModelsJson, readModelsLine, reportReadModelsBehind } from './read-models-after-sync';
import { runRecordedSync } from './recorded-sync';
import { releaseNamedPipes } from './release-named-pipes';
import { logStudentsInFindings } from './findings-access';
import { LedgerFile } from '../ledger-file';

interface ImportOptions extends CommonOptions {
  district?: string;
  skipProjections?: boolean;
  readAll?: boolean;
  newDistrict?: boolean;
}

@Command({
  name: 'import',
  arguments: '<folder>',
  description: 'record a Clever snapshot folder (Data API JSON files, or an SFTP CSV upload with --district) as a sync',
  argsDescription: {
    folder:
      'Clever Data API JSON files (districts.json, schools.json, terms.json, courses.json, users.json, sections.json; in the API envelope or as plain arrays), or an SFTP CSV upload (schools.csv, students.csv, teachers.csv, sections.csv, enrollments.csv, staff.csv, admins.csv)',
  },
})
export class ImportCommand extends LedgerCommandRunner {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly ledger: LedgerFile,
  ) {
    super();
  }

  /**
   * Usage mistakes, found before the ledger is opened (so before a mistyped path could create one
   * and record a failed sync in it): a folder that does not exist, is a file, or holds no file an
   * import reads (an empty folder, the parent of a snapshot, a folder of misspelt names: the message
   * names what it holds instead), a CSV upload without `--district`, and `--new-district` for a
   * snapshot that names its district.
   */
  static checkArguments([folder]: readonly string[], options: Readonly<ImportOptions>): void {
    if (folder === undefined) return;
    const absolute = resolve(folder);
    const info = statSync(absolute, { throwIfNoEntry: false });
    if (info === undefined) throw new InvalidInput(`<folder> must be a snapshot folder: ${absolute} does not exist`, { file: absolute });
    if (!info.isDirectory()) throw new InvalidInput(`<folder> must be a snapshot folder: ${absolute} is a file, not a folder`, { file: absolute });
    const listing = listSnapshotFolder(absolute);
    if (listing.read.length === 0) throw new InvalidInput(`<folder> must be a snapshot folder: ${absolute} ${nothingToRead(absolute, listing.unread)}`, { file: absolute });
    if (listing.missing.length > 0) throw new InvalidInput(notAWholeUpload(absolute, listing), { file: absolute });
    const older = olderApiLayout(listing);
    if (older !== null) throw new InvalidInput(`<folder> must be a snapshot folder: ${absolute} ${older}`, { file: absolute });
    if (listing.layout === 'csv' && (options.district ?? '').trim() === '') throw new InvalidInput(`${CSV_NEEDS_DISTRICT}${readAsCsv(listing)}`, { file: folder });
    // found before a ledger is opened (or made) for a sync that could only fail
    const pipe = listing.layout === 'csv' ? listing.read.find((name) => statSync(join(absolute, name), { throwIfNoEntry: false })?.isFIFO() === true) : undefined;
    if (pipe !== undefined) throw csvNamedPipe(pipe, join(absolute, pipe));
    if (listing.layout !== 'csv' && options.newDistrict === true) throw new InvalidInput(NEW_DISTRICT_IS_FOR_CSV, { field: '--new-district' });
    // a CSV upload reads no districts.json: one left in its folder says nothing of the upload
    const mistyped = listing.layout === 'csv' ? null : districtNotInSnapshot(absolute, listing, options.district);
    if (mistyped !== null) throw mistyped;
  }

  async run([folder]: string[], options: ImportOptions): Promise<void> {
    const syncId = randomUUID();
    // a file the import leaves unread is told whatever the sync's outcome: it may be why it failed
    const listing = listSnapshotFolder(resolve(folder!));
    // (checkArguments saw to a CSV upload's --district)
    const refusal = listing.layout === 'csv' ? await csvDistrictRefusal(this.queries, options.district!, options.newDistrict === true) : null;
    if (refusal !== null) return reportError(refusal, options.json);
    // and so is a column of a CSV upload that is not Clever's: its values are not recorded
    const columnsNotRead = listing.layout === 'csv' ? await unreadCsvColumns(resolve(folder!)) : [];
    const notes = [unreadFilesNote(listing), unreadColumnsNote(columnsNotRead)].filter((line): line is string => line !== null);
    const failureNotes = { json: { notRead: listing.unread, columnsNotRead }, lines: notes };
    const progress = ProgressBar.forTerminal(options.json === true);
    const reportSync = (result: SyncSummary, durationMs: number) => {
      out(describeSync(result, durationMs));
      for (const line of notes) out(line);
    };
    const done = await runRecordedSync({ commands: this.commands, queries: this.queries }, {
        ...options,
        syncId,
        ledger: this.ledger,
        // (stopped: a read waiting on a named pipe nobody writes would keep the process from exiting)
        stopProgress: () => {
          progress.stop();
          releaseNamedPipes(resolve(folder!), listing.read);
        },
        failureNotes,
        reportSync,
        logShown: (result) => logStudentsInFindings(this.commands, 'import', [result]),
      }, () =>
      this.commands.execute<RunSyncCommand, SyncSummary>(
        new RunSyncCommand(resolve(folder!), {
          districtId: options.district,
          requestedBy: whoAmI(),
          requestedVia: 'cli',
          syncId,
          readAll: options.readAll === true,
          onProgress: (p) => progress.update(p),
        }),
      ),
    );
    if (!done) return;
    const behind = done.readModels?.behind ?? null;
    if (options.json) json({ ...syncJson(done.result, done.durationMs), notRead: listing.unread, columnsNotRead, ...readModelsJson(done.readModels), ...done.ledgerNotes });
    else {
      const line = readModelsLine(done.readModels);
      if (line !== null) out(line);
    }
    if (behind !== null) reportReadModelsBehind(behind, options.json);
  }

  @Option({ flags: '--skip-projections', description: 'do not update the read models now (serve or the next command will)' })
  parseSkipProjections(): boolean {
    return true;
  }

  @Option({
    flags: '--read-all',
    description: 'read and compare every record even when the files are byte for byte those of the last sync (which is otherwise recognised and not read)',
  })
  parseReadAll(): boolean {
    return true;
  }

  @Option({
    flags: '--new-district',
    description: "confirms that a CSV upload's --district is a district this ledger does not hold yet (one that holds others refuses it otherwise: a mistyped id would record a second district)",
  })
  parseNewDistrict(): boolean {
    return true;
  }

  @Option({ flags: '--district <id>', description: 'the Clever district id (default: the district the records name)' })
  parseDistrict(value: string): string {
    return parseDistrictId(value);
  }
}

/**
 * Why a folder with no file to read is no snapshot, and where the snapshot may be instead: the data
 * files it holds under other names, or its subfolders that hold snapshot files.
 */
function nothingToRead(folder: string, unread: readonly string[]): string {
  const why = [`holds none of the files an import reads (${WHAT_AN_IMPORT_READS})`];
  if (unread.length > 0) why.push(`it holds ${unread.join(', ')}, which no import reads (a misspelt name?)`);
  const inside = snapshotSubfolders(folder);
  const shown = inside.slice(0, 5).map((name) => join(folder, name));
  if (shown.length > 0) why.push(`snapshot files are in ${shown.join(', ')}${inside.length > shown.length ? ` and ${inside.length - shown.length} more` : ''}`);
  return why.join('; ');
}

/**
 * OneRoster's own files (1.1 and 1.2, in lower case): a OneRoster export shares `enrollments.csv`
 * with a Clever upload, and nothing else. All are named, so that none reads as one that was read.
 */
const ONE_ROSTER_FILES = [
  'manifest.csv', 'orgs.csv', 'academicsessions.csv', 'classes.csv', 'courses.csv', 'users.csv', 'demographics.csv', 'roles.csv', 'userprofiles.csv',
  'lineitems.csv', 'results.csv', 'categories.csv', 'resources.csv', 'classresources.csv', 'courseresources.csv', 'userresources.csv', 'scorescales.csv',
];

/**
 * A folder read as an SFTP CSV upload (it holds one of its files) that lacks a file every upload
 * has: told before a ledger is opened, where the sync would fail on it after recording its start.
 */
function notAWholeUpload(folder: string, listing: SnapshotFolderListing): string {
  const oneRoster = listing.unread.filter((name) => ONE_ROSTER_FILES.includes(name.toLowerCase()));
  const why =
    oneRoster.length > 0
      ? `; its ${oneRoster.join(', ')} are a OneRoster export's, which is not read (only Clever's API JSON and SFTP CSV files are)`
      : '';
  return (
    `<folder> must be a snapshot folder: ${folder} is read as a Clever SFTP CSV upload (it holds ${listing.read.join(', ')}), ` +
    `but lacks ${listing.missing.join(', ')}, which every upload has${why}${jsonBeside(listing)}`
  );
}

/** The files of Clever's older API layout (v1.1, v2), which its v3 Data API puts in one `users.json`. */
const OLDER_LAYOUT_FILES = ['students.json', 'teachers.json'];

/**
 * Why a folder of Clever's older API layout is not a snapshot, or null: read, its sections would
 * be recorded with members the ledger never knows, and none of its students or teachers.
 */
function olderApiLayout(listing: SnapshotFolderListing): string | null {
  const older = listing.unread.filter((name) => OLDER_LAYOUT_FILES.includes(name.toLowerCase()));
  if (listing.layout !== 'json' || older.length === 0 || listing.read.includes('users.json')) return null;
  return (
    `holds ${older.join(', ')}, Clever's older API layout (v1.1, v2), which is not read, and no users.json: ` +
    `its classes would be recorded without their students and teachers. A snapshot folder holds ${WHAT_AN_IMPORT_READS}`
  );
}

/**
 * Why a folder is read as an SFTP CSV upload: the CSV files it holds, and the JSON files that are
 * then not read. A stray `students.csv` beside a Data API snapshot makes the whole folder a CSV
 * upload, which the person holding a JSON snapshot cannot guess from "needs --district" alone.
 */
function readAsCsv(listing: SnapshotFolderListing): string {
  return ` (the folder is read as an SFTP CSV upload: it holds ${listing.read.join(', ')}${jsonBeside(listing)})`;
}

/** The JSON files a folder read as a CSV upload leaves unread, with what to do about them. */
function jsonBeside(listing: SnapshotFolderListing): string {
  const json = listing.unread.filter((name) => name.toLowerCase().endsWith('.json'));
  return json.length === 0 ? '' : `; its ${json.join(', ')} would not be read: move the CSV files out to import it as Clever API JSON`;
}

const NEW_DISTRICT_IS_FOR_CSV =
  "--new-district confirms the --district of an SFTP CSV upload, which names no district; this folder is read as Clever API JSON, whose records name their district: leave --new-district out";

/** The largest districts.json read before a sync to check `--district` against: one district's is under a kilobyte. */
const DISTRICTS_FILE_CHECKED_UP_TO = 1_000_000;

/**
 * A `--district` that the snapshot's districts.json does not list (a typo, another district's
 * id): refused before the ledger is opened, as a usage mistake. Recorded, the failed sync would
 * be of a district the ledger never held, which from then on counts as one it has recorded
 * (`syncs list --district <typo>` answers, rather than NOT_FOUND). Null when it lists it, when
 * the folder has no districts.json (a CSV upload names no district), or when the file is not
 * plain JSON of the API's envelope or an array: the sync then reads it as every file is read,
 * and fails on it naming the line, or checks each record's district.
 */
function districtNotInSnapshot(folder: string, listing: SnapshotFolderListing, district: string | undefined): InvalidInput | null {
  // the file the import reads, as the listing found it (in any case: Districts.json)
  const name = entryInAnyCase(listing.read, SNAPSHOT_FILE_NAMES.district);
  if (name === undefined) return null;
  const file = join(folder, name);
  const status = statSync(file, { throwIfNoEntry: false });
  // (a named pipe's bytes can be read once, by the sync, which checks each record's district)
  if (district === undefined || status?.isFile() !== true || status.size > DISTRICTS_FILE_CHECKED_UP_TO) return null;
  let listed: unknown[];
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as unknown;
    const items = Array.isArray(parsed) ? parsed : (parsed as { data?: unknown }).data;
    if (!Array.isArray(items)) return null;
    // {data: {id}} in the API's envelope, {id} in a plain array
    listed = items.map((item: { data?: { id?: unknown }; id?: unknown }) => item?.data?.id ?? item?.id);
  } catch {
    return null;
  }
  const ids = listed.filter((id): id is string => typeof id === 'string');
  if (ids.length === 0 || ids.length !== listed.length || ids.includes(district)) return null;
  return new InvalidInput(
    `--district ${district} is not the district of this snapshot: ${file} names ${ids.join(', ')}; pass --district ${ids[0]}, or leave --district out (the snapshot says whose it is)`,
    { field: '--district' },
  );
}
