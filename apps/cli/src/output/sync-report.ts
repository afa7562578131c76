import { SNAPSHOT_FILE_NAMES } from '@roster-ledger/clever';
import { describeBreach, describeLocation, type DecisionChannel, type InputLocation, type RecordKind, type SnapshotContents, type SyncSummary } from '@roster-ledger/domain';
import { HeldSyncPending } from '@roster-ledger/ledger';
import { commandOnThisLedger } from './next-page';

const n = (value: number): string => value.toLocaleString('en-US');

function table(entries: Record<string, number>, indent = '    '): string[] {
  const rows = Object.entries(entries).filter(([, v]) => v > 0);
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(width)}  ${n(v).padStart(9)}`);
}

/** The JSON summary a script gets from `import --json` and `syncs show --json`. */
export function syncJson(summary: SyncSummary, durationMs?: number): object {
  return { ...summary, ...(durationMs === undefined ? {} : { durationMs }) };
}

/** Where an events cursor stands, in words: what the next events sync reads after. */
export function describeEventsCursor(value: string | null): string {
  return value === null ? 'the start of the feed' : `after event ${value}`;
}

/**
 * A person's reading of one sync: what it did, what it found, what to do next (the commands it
 * suggests name the `--db` of `argv`, the command's own arguments).
 */
export function describeSync(s: SyncSummary, durationMs?: number, argv: readonly string[] = process.argv.slice(2)): string {
  const lines: string[] = [];
  const took = durationMs === undefined ? '' : ` in ${(durationMs / 1000).toFixed(1)} s`;
  const status = s.processGone ? 'STOPPED (its process is gone; recorded as running)' : s.status.toUpperCase();
  lines.push(`Sync ${s.syncId} (${s.source} ${s.origin}) of district ${s.districtId ?? '(not known yet)'}: ${status}${took}`);
  lines.push(`  started ${s.startedAt} by ${requestedBy(s)}${s.finishedAt ? `, finished ${s.finishedAt}` : ''}`);
  if (s.fallback) lines.push(`  A full sync, run because the events sync asked for could not go on: ${s.fallback}`);
  if (s.cursorNotSet) lines.push(`  Events cursor not set: ${s.cursorNotSet}`);
  if (s.eventsCursor !== null && s.status === 'completed') lines.push(`  Events cursor: moved by this sync to ${describeEventsCursor(s.eventsCursor.value)}`);
  if (s.eventsCursor !== null && s.status === 'held') lines.push(`  Events cursor: moves to ${describeEventsCursor(s.eventsCursor.value)} on approval (until then it stays where it was)`);
  // a failed or discarded events sync moved nothing: said, as "Events cursor" is otherwise only of a move
  if (s.source === 'clever-events' && (s.status === 'failed' || s.status === 'discarded')) lines.push('  Events cursor: not moved, so the next events sync reads the same events again');
  const total = Object.values(s.counts).reduce((a, b) => a + b, 0);
  const found = [s.skipped, s.unresolved, s.unknownValues, s.kept, s.mismatched, s.roleConflicts, s.unnamed, s.unpaired, s.endsBeforeStart].some((counts) => Object.values(counts).some((v) => v > 0));
  if (s.status === 'completed') {
    if (s.sameFilesAs) {
      const findings = found ? ` (the findings below are that sync's)` : '';
      lines.push(`  No roster changes: the files are byte for byte those of sync ${s.sameFilesAs}, with nothing of the district recorded since, so no record was read${findings}.`);
    }
    else if (total > 0) lines.push(`  Roster events appended: ${n(total)}`);
    // an events sync reads no snapshot: what it read is Clever's events after its cursor
    else if (s.source === 'clever-events') lines.push('  No roster changes: Clever reported nothing since the events cursor that the ledger does not already hold.');
    // a full sync from the Data API reads no files: what it matched is the district as Clever gave it
    else if (s.source === 'clever-api') lines.push('  No roster changes: the ledger already matched the district as Clever gave it.');
    else lines.push(`  No roster changes: the ledger already matched this snapshot${Object.keys(s.kept).length > 0 ? ', but for what its files did not have (below)' : ''}.`);
    lines.push(...table(s.counts));
    if (s.approvedBy) {
      // what compliance asks of an approved sync: when it was held, why, and when it was let through
      if (s.heldAt !== null) {
        lines.push(`  Held by the mass-change guard at ${s.heldAt}; thresholds crossed:`);
        for (const b of s.breaches) lines.push(`    - ${describeBreach(b)}`);
      }
      lines.push(`  Applied on approval by ${decidedBy(s.approvedBy, s.approvedVia)}${decidedAt(s)}.`);
    }
  }
  if (s.status === 'held' || s.status === 'discarded') {
    const held = s.heldAt === null ? '' : ` at ${s.heldAt}`;
    lines.push(s.status === 'held' ? `  Held by the mass-change guard${held}, nothing applied. It would append ${n(total)} roster events:` : `  Held by the mass-change guard${held}, then discarded: nothing applied. It would have appended ${n(total)} roster events:`);
    lines.push(...table(s.counts));
    lines.push('  Thresholds crossed:');
    for (const b of s.breaches) lines.push(`    - ${describeBreach(b)}`);
    if (s.status === 'held' && s.changeSetMissing) {
      // (a ledger file copied or restored without its .staged folder): approving it would only fail
      lines.push('  Its change set is not beside the ledger (in <ledger>.staged), so it cannot be approved: discard it and run the sync again.');
      lines.push(`  Drop it:   ${commandOnThisLedger(['syncs', 'discard', s.syncId], argv)} --by <your name>`);
    } else if (s.status === 'held') {
      lines.push(`  Read them: ${commandOnThisLedger(['syncs', 'pending', s.syncId], argv)}`);
      lines.push(`  Apply it:  ${commandOnThisLedger(['syncs', 'approve', s.syncId], argv)} --by <your name>`);
      lines.push(`  Drop it:   ${commandOnThisLedger(['syncs', 'discard', s.syncId], argv)} --by <your name>`);
    } else lines.push(`  Discarded by ${decidedBy(s.discardedBy ?? '-', s.discardedVia)}${decidedAt(s)}.`);
  }
  if (s.status === 'failed' && s.failure) {
    lines.push(`  Failed (${s.failure.code}): ${s.failure.reason}`);
    if (s.failure.at && s.failure.code !== 'INVALID_INPUT') lines.push(`  at ${describeLocation(s.failure.at)}`);
    if (s.failure.foundBy) lines.push(`  Recorded so by sync ${s.failure.foundBy}, which found its process gone.`);
    // a process that stopped says so in its reason already
    if (!/nothing of it was applied/i.test(s.failure.reason)) lines.push('  Nothing was applied: the ledger is as it was before this sync.');
  }
  if (s.status === 'running') {
    lines.push(
      s.processGone
        ? `  Its process (${s.owner!.pid} on ${s.owner!.host}) is gone: stopped before it finished, nothing of it was applied; the next sync of the district records it as interrupted.`
        : '  Still running (or its process died where this ledger cannot see it: the next sync of the district records it as interrupted).',
    );
  }
  const skipped = Object.entries(s.skipped).map(([k, v]) => `${n(v)} ${k}`).join(', ');
  if (skipped) lines.push(`  Skipped (read, not recorded): ${skipped}`);
  const unresolved = Object.entries(s.unresolved).map(([k, v]) => `${k} ${n(v)}${noFileOf(k, s.contents)}`).join(', ');
  // an events sync reads no snapshot: what its events name, the ledger holds as no one shared
  const notIn = s.source === 'clever-events' ? 'the ledger' : 'the snapshot';
  if (unresolved) lines.push(`  Referenced but not in ${notIn} (kept as ids): ${unresolved}`, ...unresolvedIdLines(s));
  // a last_modified that is no moment is left out (it would order the record's versions wrongly); any other value is kept
  const [leftOut, keptAsGiven] = partition(s.unknownValues, (field) => field.endsWith('.last_modified'));
  lines.push(
    ...findingLines(`Values outside Clever's enumerations or formats (kept as given)`, keptAsGiven, pick(s.unknownValuesAt, keptAsGiven)),
    ...findingLines(`Values outside Clever's enumerations or formats (left out, not taken for when Clever changed the record)`, leftOut, pick(s.unknownValuesAt, leftOut)),
    // an enrollment's School_id that is not its section's: the section's school is taken
    ...findingLines('Values that disagree with another file (recorded as the other file has them)', s.mismatched, s.mismatchedAt),
    // an events sync records a section's members as Clever lists them; a full sync refuses these
    ...findingLines('Members recorded though the ledger holds them without the role of their list', s.roleConflicts, s.roleConflictsAt),
    // Clever's CSV format does not require a section's Name: without it and a Course_name, the section has none
    ...findingLines('Without a name (a name of "", or neither Name nor Course_name in sections.csv; recorded without one unless kept below)', s.unnamed, s.unnamedAt),
    // one teacher and one staff member of an email are one user; an email of several cannot say which
    ...findingLines('Staff kept apart from the teachers of their email (more than one teacher or staff member has it)', s.unpaired, s.unpairedAt),
    // Clever documents no order for a term's dates: the ledger records them as given, the district fixes them
    ...findingLines('Ending before they start (end_date before start_date; recorded as given)', s.endsBeforeStart, s.endsBeforeStartAt),
  );
  const kept = Object.entries(s.kept).map(([k, v]) => `${k} ${n(v)}`).join(', ');
  if (kept) lines.push(`  Not in what was read, so left as the ledger had them (records): ${kept}`);
  if (s.contents) lines.push(...filesRead(s.contents));
  return lines.join('\n');
}

/**
 * The first few ids of each kind referenced and not found, a line per kind (`school s9, s12; and 3
 * more`): the records to look for in the files. Not for a kind whose file the snapshot did not
 * have (`(no schools.json)` says why already, and every reference of that kind is one).
 */
function unresolvedIdLines(s: SyncSummary): string[] {
  return Object.entries(s.unresolvedIds)
    .filter(([kind, ids]) => ids.length > 0 && noFileOf(kind, s.contents) === '')
    .map(([kind, ids]) => `    ${kind} ${ids.join(', ')}${andMore(s.unresolved[kind], ids.length)}`);
}

/** `counts` split by `test` of each key: those it holds for, then the others. */
function partition(counts: Record<string, number>, test: (key: string) => boolean): [Record<string, number>, Record<string, number>] {
  const yes: Record<string, number> = {};
  const no: Record<string, number> = {};
  for (const [key, count] of Object.entries(counts)) (test(key) ? yes : no)[key] = count;
  return [yes, no];
}

/** The entries of `at` whose keys `keys` has. */
function pick<T>(at: Record<string, T>, keys: Record<string, unknown>): Record<string, T> {
  return Object.fromEntries(Object.entries(at).filter(([key]) => Object.hasOwn(keys, key)));
}

/**
 * Where the first few values of each finding were read, a line per `kind.field` (or file and
 * column), for a person to find the records (`student.dob at students.csv, line 3, id 5a25...; and
 * 2 more`). Never the values: they may be personal, and a report is read by every role.
 */
/** A finding's line (`heading: label count, ...`) and the places of its first examples; none when nothing was counted. */
function findingLines(heading: string, counted: Record<string, number>, at: Record<string, InputLocation[]>): string[] {
  const listed = Object.entries(counted).map(([k, v]) => `${k} ${n(v)}`).join(', ');
  return listed === '' ? [] : [`  ${heading}: ${listed}`, ...places(at, counted)];
}

function places(at: Record<string, InputLocation[]>, counted: Record<string, number>): string[] {
  return Object.entries(at).map(([field, places]) => {
    // the file named once for the places read from it in a row
    const described = places.map((place, i) => describeLocation(i > 0 && place.file === places[i - 1]!.file ? { ...place, file: undefined } : place));
    return `    ${field} at ${described.join('; ')}${andMore(counted[field], places.length)}`;
  });
}

/** `; and 2 more` when a finding counted more than the examples shown of it, else nothing. */
function andMore(counted: number | undefined, shown: number): string {
  const more = (counted ?? shown) - shown;
  return more > 0 ? `; and ${more} more` : '';
}

/**
 * Why a kind's references were not found, when the files say: a Data API snapshot had no file of
 * that kind (`schools.json`), as the Clever demo district has none for schools, terms or courses.
 * Otherwise the file was read and lacked those records: nothing to add. An SFTP CSV upload has no
 * file per kind (its terms and courses come from sections.csv), so it gets no such note.
 */
function noFileOf(kind: string, contents: SnapshotContents | null): string {
  const file = SNAPSHOT_FILE_NAMES[kind as RecordKind] as string | undefined;
  if (contents === null || file === undefined || !contents.reading.startsWith('clever-json ')) return '';
  // read in any case (Users.json), as the import reads it
  return contents.files.some((f) => f.name.toLowerCase() === file) ? '' : ` (no ${file})`;
}

/**
 * The files a sync read: each file's SHA-256 and name as `sha256sum` prints them (what compliance
 * checks a kept file against), then its size.
 */
function filesRead(contents: SnapshotContents): string[] {
  const width = Math.max(...contents.files.map((f) => f.name.length));
  return [
    `  Files (read as ${contents.reading}), SHA-256:`,
    ...contents.files.map((f) => `    ${f.sha256}  ${f.name.padEnd(width)}  (${n(f.bytes)} bytes)`),
  ];
}

/**
 * One line per sync for `syncs list`. Its roster events are counted as what became of them: a held
 * sync's are pending, a discarded one's were dropped, so no line reads as events recorded that
 * never were.
 */
export function syncLine(s: SyncSummary): string {
  const total = Object.values(s.counts).reduce((a, b) => a + b, 0);
  // a sync whose process is gone is no longer running, whatever the log says until the next sync
  const status = s.processGone ? 'stopped' : s.status;
  const what = s.status === 'held' ? 'pending' : s.status === 'discarded' ? 'dropped' : total === 1 ? 'event' : 'events';
  return [s.syncId, status.padEnd(9), s.startedAt, (s.districtId ?? '-').padEnd(24), `${n(total).padStart(9)} ${what.padEnd(7)}`, s.origin].join('  ');
}

/**
 * Who decided on a held sync, and through what: an API key's name is proven by the key; a name
 * given on the ledger's machine (`--by`, or the login name) is not, and an auditor tells them apart.
 */
function decidedBy(by: string, via: DecisionChannel | null): string {
  if (via === 'api') return `${by} (API key)`;
  if (via === 'cli') return `${by} (on the CLI, as given with --by or the login name)`;
  return by;
}

/** When a held sync was decided: the moment that ended it, for a sync whose record says when it was held. */
function decidedAt(s: SyncSummary): string {
  return s.heldAt !== null && s.finishedAt !== null ? ` at ${s.finishedAt}` : '';
}

/** Who asked for a sync, and through what (see RequestChannel): the schedule is named as such. */
function requestedBy({ requestedBy: by, requestedVia: via }: SyncSummary): string {
  if (via === 'schedule') return "serve's schedule";
  if (via === 'api') return `${by} (API key)`;
  if (via === 'cli') return `${by} (on the CLI, the login name)`;
  return by;
}

/**
 * For a sync just refused because another is held (`error`, what the sync threw): the commands
 * that decide the held one, on this ledger. Its recorded reason is the same for every ledger, so
 * it cannot name `--db`; and `syncs show` of it later must not offer to decide a sync long since
 * decided.
 */
export function heldSyncCommands(error: unknown, argv: readonly string[] = process.argv.slice(2)): string[] {
  if (!(error instanceof HeldSyncPending)) return [];
  const held = error.heldSyncId;
  return [
    `  Read its changes:     ${commandOnThisLedger(['syncs', 'pending', held], argv)}`,
    `  Apply the held sync:  ${commandOnThisLedger(['syncs', 'approve', held], argv)} --by <your name>`,
    `  Drop it:              ${commandOnThisLedger(['syncs', 'discard', held], argv)} --by <your name>`,
  ];
}
