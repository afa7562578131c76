import { QueryBus } from '@nestjs/cqrs';
import { Command, Option } from 'nest-commander';
import { LedgerCommandRunner } from './ledger-command-runner';
import {
  GetClassesAsOfQuery,
  GetRosterAsOfQuery,
  GetTimelineQuery,
  parseAsOf,
  SearchAccountsQuery,
  SearchClassesQuery,
  type AccountSearchPage,
  type ClassSearchHit,
  type ClassesAsOfAnswer,
  type Page,
  type RosterAnswer,
  type TimelineEntry,
  type TimelineKind,
} from '@roster-ledger/ledger';
import { json, out, outLine } from '../output/cli-output';
import { accountLines } from '../output/account-line';
import { nextPageLine } from '../output/next-page';
import { classMembershipLine, NAME_WIDTH, rosterMemberLine, rosterMemberName } from '../output/roster-line';
import { columnWidth } from '../output/column-width';
import { describeTimelineEntry } from '../output/timeline-line';
import { checkIdArgument, cliViewer, parseCursor, parseInteger, parsePageLimit, reportError, ROLE_OPTION, type CommonOptions, parseDistrictId } from './common-options';

interface ReadOptions extends CommonOptions {
  role?: string;
  limit?: number;
  after?: number;
  district?: string;
  asOf?: string;
}

/** A search's options: its `--after` is the cursor a page ended with, not a log position. */
interface SearchOptions extends Omit<ReadOptions, 'after'> {
  after?: string;
  classes?: boolean;
}

/** Options every read command shares. */
abstract class ReadCommand extends LedgerCommandRunner {
  @Option(ROLE_OPTION)
  parseRole(value: string): string {
    return value;
  }
}

@Command({
  name: 'search',
  arguments: '<text>',
  description: 'find accounts by name, email, SIS id, student number, state id, username or Clever id; with --classes, classes by a part of their name, SIS id, section number or Clever id',
})
export class SearchCommand extends ReadCommand {
  constructor(private readonly queries: QueryBus) {
    super();
  }

  /** Checked with the options, before the ledger is opened: blank text would match nothing, or everyone. */
  static checkArguments([text]: readonly string[]): void {
    if ((text ?? '').trim() === '') throw new Error('<text> must not be blank: give a name, email, SIS id, student number, state id, username or Clever id');
  }

  async run([text]: string[], options: SearchOptions): Promise<void> {
    try {
      const viewer = cliViewer('search', options.role);
      if (options.classes) return await this.searchClasses(text!, options);
      const page = await this.queries.execute<SearchAccountsQuery, AccountSearchPage>(
        new SearchAccountsQuery(text!, viewer, { districtId: options.district, limit: options.limit ?? 20, after: options.after }),
      );
      if (options.json) return json(page);
      if (page.items.length === 0 && options.after !== undefined) return out(`No more accounts match "${text}".`);
      if (page.items.length === 0 && page.searchedBy === 'clever id') {
        const where = options.district === undefined ? '' : ` in district ${options.district}`;
        return out(`No account${where} has the Clever id "${text}" (a role that may see no personal data searches by Clever id alone).`);
      }
      if (page.items.length === 0) return out(`No account matches "${text}".`);
      for (const line of accountLines(page.items, page.foundByFormer)) outLine(line);
      if (page.next) out(nextPageLine('--after', page.next));
    } catch (error) {
      reportError(error, options.json);
    }
  }

  /** Classes, for `--classes`: class names are shown to every role (on timelines and rosters too), and no student's data, so not in the access log. */
  private async searchClasses(text: string, options: SearchOptions): Promise<void> {
    const page = await this.queries.execute<SearchClassesQuery, Page<ClassSearchHit>>(
      new SearchClassesQuery(text, { districtId: options.district, limit: options.limit ?? 20, after: options.after }),
    );
    if (options.json) return json(page);
    if (page.items.length === 0) return out(options.after === undefined ? `No class matches "${text}".` : `No more classes match "${text}".`);
    const width = columnWidth(page.items.map((c) => c.name ?? '(no name)'), 40);
    for (const c of page.items) {
      const numbers = [c.sisId === null ? '' : `sis ${c.sisId}`, c.sectionNumber === null ? '' : `section ${c.sectionNumber}`].filter(Boolean).join(', ');
      outLine(`${c.id}  ${(c.name ?? '(no name)').padEnd(width)} ${c.status.padEnd(8)} ${numbers ? `${numbers}  ` : ''}school ${c.schoolName ?? c.schoolId ?? '-'}${c.schoolName === null ? '' : ` (${c.schoolId}${c.schoolStatus === 'removed' ? ', now removed' : ''})`}`);
    }
    if (page.next) out(nextPageLine('--after', page.next));
  }

  @Option({ flags: '--classes', description: 'find classes instead of accounts' })
  parseClasses(): boolean {
    return true;
  }
  @Option({ flags: '--district <id>', description: 'only this district' })
  parseDistrict(value: string): string {
    return parseDistrictId(value);
  }
  @Option({ flags: '--limit <n>', description: 'at most this many (default 20)' })
  parseLimit(value: string): number {
    return parsePageLimit(value);
  }
  @Option({ flags: '--after <cursor>', description: 'the next page: the cursor the page before ended with ("More: --after ...")' })
  parseAfter(value: string): string {
    return parseCursor('--after', value);
  }
}

const TIMELINE_KINDS: Record<string, TimelineKind> = { user: 'user', student: 'user', teacher: 'user', section: 'section', class: 'section', school: 'school', district: 'district', term: 'term', course: 'course' };

@Command({
  name: 'timeline',
  arguments: '<kind> <id>',
  description: 'every change of a user, section, school, district, term or course, oldest first, with both clocks and the sync',
  argsDescription: { kind: 'user (or student, teacher), section (or class), school, district, term or course', id: 'the Clever id' },
})
export class TimelineCommand extends ReadCommand {
  constructor(private readonly queries: QueryBus) {
    super();
  }

  /** Checked with the options, before the ledger is opened. */
  static checkArguments([kindText, id]: readonly string[]): void {
    if (!Object.hasOwn(TIMELINE_KINDS, kindText ?? '')) throw new Error(`<kind> must be user, section, school, district, term or course (or student, teacher, class), got "${kindText}"`);
    checkIdArgument('<id>', id);
  }

  async run([kindText, id]: string[], options: ReadOptions): Promise<void> {
    const kind = TIMELINE_KINDS[kindText!]!; // checkArguments let only known kinds through
    try {
      const page = await this.queries.execute<GetTimelineQuery, Page<TimelineEntry>>(
        new GetTimelineQuery(kind, id!, cliViewer('timeline', options.role), { after: options.after, limit: options.limit ?? 1000 }),
      );
      if (options.json) return json(page);
      if (page.items.length === 0) {
        return out(options.after === undefined ? `Nothing recorded for ${kindText} ${id}.` : `Nothing recorded for ${kindText} ${id} after position ${options.after}.`);
      }
      for (const c of page.items) {
        const clever = c.cleverLastModified ? `  (Clever: modified ${c.cleverLastModified})` : '';
        outLine(`${c.observedAt}  ${c.type.padEnd(22)} ${describeTimelineEntry(c, { kind, id: id! })}`);
        out(`${' '.repeat(26)}sync ${c.syncId ?? '-'}, recorded ${c.recordedAt}${clever}`);
      }
      if (page.next) out(nextPageLine('--after', page.next));
    } catch (error) {
      reportError(error, options.json);
    }
  }

  @Option({ flags: '--after <position>', description: 'only events after this log position (paging)' })
  parseAfter(value: string): number {
    return parseInteger('--after', parseCursor('--after', value));
  }
  @Option({ flags: '--limit <n>', description: 'at most this many events (default 1000)' })
  parseLimit(value: string): number {
    return parsePageLimit(value);
  }
}

/** A read at a moment: `--as-of`, now by default. */
abstract class AsOfCommand extends ReadCommand {
  protected moment(options: ReadOptions): string {
    return parseAsOf(options.asOf ?? new Date().toISOString(), '--as-of');
  }

  @Option({ flags: '--as-of <date>', description: 'YYYY-MM-DD (end of that day, UTC) or an ISO-8601 timestamp' })
  parseAsOf(value: string): string {
    parseAsOf(value, '--as-of'); // a bad date is a usage error, found before the ledger is opened
    return value;
  }
}

@Command({ name: 'roster', arguments: '<sectionId>', description: 'who was in a class at a moment, and since when (default: now)' })
export class RosterCommand extends AsOfCommand {
  constructor(private readonly queries: QueryBus) {
    super();
  }

  /** Checked with the options, before the ledger is opened. */
  static checkArguments([sectionId]: readonly string[]): void {
    checkIdArgument('<sectionId>', sectionId);
  }

  async run([sectionId]: string[], options: ReadOptions): Promise<void> {
    try {
      const at = this.moment(options);
      const roster = await this.queries.execute<GetRosterAsOfQuery, RosterAnswer>(new GetRosterAsOfQuery(sectionId!, at, cliViewer('roster', options.role)));
      if (options.json) return json(roster);
      // a moment to come is answered as the ledger knows the class now: said, not presented as known
      outLine(`${roster.class?.name ?? sectionId} (${roster.class?.status ?? 'unknown'}) as of ${at}${momentToCome(roster.momentToCome, 'the roster as the ledger knows it now')}`);
      // one width for teachers and students: their columns line up as one list's
      const width = columnWidth([...roster.teachers, ...roster.students].map((m) => rosterMemberName(m, roster.personalRedacted)), NAME_WIDTH);
      out(`Teachers (${roster.teachers.length}):`);
      for (const m of roster.teachers) outLine(rosterMemberLine(m, roster.personalRedacted, width));
      out(`Students (${roster.students.length}):`);
      for (const m of roster.students) outLine(rosterMemberLine(m, roster.personalRedacted, width));
      // before the class's first share its roster is "not yet recorded", not "empty", as `classes` says of a person
      if (roster.teachers.length + roster.students.length === 0) {
        out(roster.class?.status === 'not yet shared' ? 'None: the ledger had not yet recorded this class then.' : 'No one was in this class then (as far as the ledger had observed by that time).');
      }
    } catch (error) {
      reportError(error, options.json);
    }
  }
}

@Command({
  name: 'classes',
  arguments: '<userId>',
  description: 'the classes a student or teacher was in at a moment, and since when (default: now)',
  argsDescription: { userId: 'the account id (as search gives it)' },
})
export class ClassesCommand extends AsOfCommand {
  constructor(private readonly queries: QueryBus) {
    super();
  }

  /** Checked with the options, before the ledger is opened. */
  static checkArguments([userId]: readonly string[]): void {
    checkIdArgument('<userId>', userId);
  }

  async run([userId]: string[], options: ReadOptions): Promise<void> {
    try {
      const at = this.moment(options);
      const answer = await this.queries.execute<GetClassesAsOfQuery, ClassesAsOfAnswer>(new GetClassesAsOfQuery(userId!, at, cliViewer('classes', options.role)));
      if (options.json) return json(answer);
      out(`Classes of ${userId} (${answer.accountStatus} then) as of ${at}${momentToCome(answer.momentToCome, 'the classes as the ledger knows them now')}: ${answer.classes.length}`);
      const width = columnWidth(answer.classes.map((m) => m.className ?? ''), NAME_WIDTH);
      for (const membership of answer.classes) outLine(classMembershipLine(membership, width));
      // no class before a person's first share is "not yet shared", not "in no class"
      if (answer.classes.length === 0) out(answer.accountStatus === 'not yet shared' ? 'None: the ledger had not yet recorded this person then.' : 'In no class then (as far as the ledger had observed by that time).');
    } catch (error) {
      reportError(error, options.json);
    }
  }
}

/** A moment to come is answered as the ledger knows things now: said, not presented as known. */
function momentToCome(toCome: boolean, answered: string): string {
  return toCome ? ` (a moment to come: ${answered})` : '';
}
