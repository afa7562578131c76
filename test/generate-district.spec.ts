import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openSnapshotFolder } from '@roster-ledger/clever';
import { DEMOGRAPHIC_FIELDS } from '@roster-ledger/domain';
import type { Fields, RosterRecord, SectionRecord, UserRecord } from '@roster-ledger/domain';
import { planDistrict } from '../scripts/generate/district-plan';
import { generateDistrict } from '../scripts/generate/generate';
import { RecordJson } from '../scripts/generate/record-json';
import type { FolderSummary } from '../scripts/generate/generate';
import { SNAPSHOT_FILES } from '../scripts/generate/write-snapshot';

/**
 * The district generator (scripts/generate) as a benchmark author meets it: the files read
 * cleanly through the real Clever reader, have a realistic shape, come out the same for the same
 * seed, and the churn and rollover snapshots change what they say they change.
 */
const STUDENTS = 2_000;
const root = mkdtempSync(join(tmpdir(), 'generate-district-'));
const folder = (name: string) => join(root, name);
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Snapshot {
  records: RosterRecord[];
  byKind: { [K in RosterRecord['kind']]: Extract<RosterRecord, { kind: K }>[] };
  users: Map<string, UserRecord>;
  sections: Map<string, SectionRecord>;
}

/** Every item of the folder through openSnapshotFolder; any error, skipped record or unknown enum value fails the read. */
async function readSnapshot(path: string): Promise<Snapshot> {
  const snapshot = await openSnapshotFolder(path);
  const records: RosterRecord[] = [];
  for await (const item of snapshot.items()) {
    if (item.type !== 'record') throw new Error(`expected a record, got ${item.type} at ${JSON.stringify(item.origin)}`);
    if (item.unknownValues.length > 0) throw new Error(`unknown values ${item.unknownValues.join(', ')} in ${item.origin.recordId}`);
    records.push(item.record);
  }
  const of = <K extends RosterRecord['kind']>(kind: K) => records.filter((r): r is Extract<RosterRecord, { kind: K }> => r.kind === kind);
  const byKind = {
    district: of('district'),
    school: of('school'),
    term: of('term'),
    course: of('course'),
    user: of('user'),
    section: of('section'),
  };
  return {
    records,
    byKind,
    users: new Map(byKind.user.map((user) => [user.id, user])),
    sections: new Map(byKind.section.map((section) => [section.id, section])),
  };
}

const studentsOf = (snapshot: Snapshot) => snapshot.byKind.user.filter((user) => user.roles.student !== undefined);
const teachersOf = (snapshot: Snapshot) => snapshot.byKind.user.filter((user) => user.roles.teacher !== undefined);
const sameFiles = (a: string, b: string) => SNAPSHOT_FILES.every((file) => readFileSync(join(a, file)).equals(readFileSync(join(b, file))));
const enrollments = (snapshot: Snapshot) => new Set(snapshot.byKind.section.flatMap((section) => section.students.map((student) => `${section.id}/${student}`)));
const studentField = (user: UserRecord | undefined, part: 'fields' | 'personal', name: string) => (user?.roles.student?.[part] as Fields | undefined)?.[name];

let summaries: FolderSummary[];
let base: Snapshot;
let churn: Snapshot;
let rollover: Snapshot;

beforeAll(async () => {
  summaries = await generateDistrict({ students: STUDENTS, seed: '1', out: folder('base'), churn: folder('churn'), rollover: folder('rollover') });
  [base, churn, rollover] = await Promise.all([readSnapshot(folder('base')), readSnapshot(folder('churn')), readSnapshot(folder('rollover'))]);
});

describe('a generated 2,000-student district', () => {
  it('reads cleanly through the Clever snapshot reader, with the counts the summary reports', () => {
    const counts = Object.fromEntries(summaries[0]?.files.map((file) => [file.file, file.records]) ?? []);
    expect(counts).toEqual({
      'districts.json': 1,
      'schools.json': base.byKind.school.length,
      'terms.json': 2,
      'courses.json': base.byKind.course.length,
      'users.json': base.byKind.user.length,
      'sections.json': base.byKind.section.length,
    });
    expect(studentsOf(base)).toHaveLength(STUDENTS);
    expect(summaries.map((summary) => summary.snapshot)).toEqual(['base', 'churn', 'rollover']);
  });

  it('has ObjectID-like ids, unique across kinds and ascending within each file (in every snapshot)', () => {
    const ids = base.records.map((record) => record.id);
    expect(ids.every((id) => /^[0-9a-f]{24}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const snapshot of [base, churn, rollover]) {
      for (const kind of ['school', 'term', 'course', 'user', 'section'] as const) {
        const inFile = snapshot.byKind[kind].map((record) => record.id);
        expect(inFile).toEqual([...inFile].sort());
      }
    }
  });

  it('has about one teacher per 16 students, ~25 students per section, ~2% multi-school students and ~10% teacher-staff', () => {
    const teachers = teachersOf(base);
    expect(teachers.length).toBeGreaterThanOrEqual((STUDENTS / 16) * 0.75);
    expect(teachers.length).toBeLessThanOrEqual((STUDENTS / 16) * 1.25);

    const sizes = base.byKind.section.map((section) => section.students.length);
    const average = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(average).toBeGreaterThanOrEqual(15);
    expect(average).toBeLessThanOrEqual(35);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);

    const multiSchool = studentsOf(base).filter((user) => (studentField(user, 'fields', 'schools') as string[]).length === 2).length;
    expect(multiSchool / STUDENTS).toBeGreaterThan(0.01);
    expect(multiSchool / STUDENTS).toBeLessThan(0.03);

    const alsoStaff = teachers.filter((user) => user.roles.staff !== undefined).length;
    expect(alsoStaff / teachers.length).toBeGreaterThan(0.05);
    expect(alsoStaff / teachers.length).toBeLessThan(0.16);
    expect(base.byKind.user.filter((user) => user.roles.district_admin !== undefined).length).toBeGreaterThanOrEqual(1);
  });

  it('gives elementary students 1-2 sections and secondary students 4-7 (one more at a second school)', () => {
    const sectionsOf = new Map<string, number>();
    for (const section of base.byKind.section) for (const student of section.students) sectionsOf.set(student, (sectionsOf.get(student) ?? 0) + 1);
    for (const student of studentsOf(base)) {
      const grade = studentField(student, 'fields', 'grade') as string;
      const extra = (studentField(student, 'fields', 'schools') as string[]).length - 1;
      const count = (sectionsOf.get(student.id) ?? 0) - extra;
      const elementary = ['Kindergarten', '1', '2', '3', '4', '5'].includes(grade);
      expect([student.id, count >= (elementary ? 1 : 4) && count <= (elementary ? 2 : 7)]).toEqual([student.id, true]);
    }
  });

  it('links every section to a school, term, course, teachers and students that exist', () => {
    const ids = new Set(base.records.map((record) => record.id));
    for (const section of base.byKind.section) {
      for (const field of ['school', 'term_id', 'course']) expect(ids.has(section.fields[field] as string)).toBe(true);
      expect(section.teachers.length).toBeGreaterThanOrEqual(1);
      expect(section.teachers.length).toBeLessThanOrEqual(2);
      expect(section.teachers.every((teacher) => base.users.get(teacher)?.roles.teacher !== undefined)).toBe(true);
      expect(section.students.every((student) => base.users.get(student)?.roles.student !== undefined)).toBe(true);
    }
  });

  it('has realistic demographics and dates of birth that fit the grade', () => {
    const students = studentsOf(base);
    const share = (field: string, value: string) => students.filter((user) => studentField(user, 'personal', field) === value).length / students.length;
    expect(share('gender', 'X')).toBeLessThan(0.05);
    expect(share('gender', 'F')).toBeGreaterThan(0.43);
    expect(share('ell_status', 'Y')).toBeGreaterThan(0.08);
    expect(share('ell_status', 'Y')).toBeLessThan(0.18);
    expect(share('iep_status', 'Y')).toBeGreaterThan(0.15);
    expect(share('iep_status', 'Y')).toBeLessThan(0.25);
    expect(share('hispanic_ethnicity', 'Y')).toBeGreaterThan(0.35);

    for (const student of students) {
      const grade = studentField(student, 'fields', 'grade') as string;
      const born = Number((studentField(student, 'personal', 'dob') as string).slice(0, 4));
      const expected = 2020 - (grade === 'Kindergarten' ? 0 : Number(grade));
      expect(Math.abs(born - expected)).toBeLessThanOrEqual(1);
    }
  });

  it('gives every user with an email a different one', () => {
    for (const snapshot of [base, churn]) {
      const emails = snapshot.byKind.user.map((user) => user.personal['email']).filter((email) => email !== undefined && email !== null);
      expect(emails.length).toBeGreaterThan(STUDENTS / 2);
      expect(new Set(emails).size).toBe(emails.length);
    }
  });

  it('gives the same bytes for the same seed (with or without churn and rollover) and other bytes for another seed', async () => {
    await generateDistrict({ students: STUDENTS, seed: '1', out: folder('again') });
    expect(sameFiles(folder('base'), folder('again'))).toBe(true);
    await generateDistrict({ students: STUDENTS, seed: '1', out: folder('again2'), churn: folder('churn2'), rollover: folder('rollover2') });
    expect(sameFiles(folder('churn'), folder('churn2'))).toBe(true);
    expect(sameFiles(folder('rollover'), folder('rollover2'))).toBe(true);

    await generateDistrict({ students: STUDENTS, seed: '2', out: folder('other') });
    expect(readFileSync(join(folder('other'), 'users.json')).equals(readFileSync(join(folder('base'), 'users.json')))).toBe(false);
    const other = await readSnapshot(folder('other'));
    expect(other.records.some((record) => base.users.has(record.id) || base.sections.has(record.id))).toBe(false);
  });
});

describe('names in a 20,000-student district', () => {
  // Planned and rendered, not written: the names are all this needs.
  const district = planDistrict(20_000, '7');
  const json = new RecordJson(district);
  type Rendered = { email?: string; name: { first: string; last: string } };
  const students = Array.from({ length: district.students.count }, (_, row) => JSON.parse(json.student(row)) as Rendered);
  const staff = Array.from({ length: district.staff.count }, (_, row) => JSON.parse(json.staff(row)) as Rendered);

  it('are shared by a minority of students (a realistic 5-20%), the most common full name by a handful, from a long tail of names', () => {
    const holders = new Map<string, number>();
    for (const { name } of students) holders.set(`${name.first} ${name.last}`, (holders.get(`${name.first} ${name.last}`) ?? 0) + 1);
    const sharing = [...holders.values()].filter((count) => count > 1).reduce((a, b) => a + b, 0) / students.length;
    expect(sharing).toBeGreaterThan(0.05);
    expect(sharing).toBeLessThan(0.2);
    const largest = Math.max(...holders.values());
    expect(largest).toBeGreaterThanOrEqual(2);
    expect(largest).toBeLessThanOrEqual(15);
    expect(new Set(students.map(({ name }) => name.first)).size).toBeGreaterThan(1_000);
    expect(new Set(students.map(({ name }) => name.last)).size).toBeGreaterThan(1_000);
  });

  it('never give two users the same email', () => {
    const emails = [...students, ...staff].flatMap(({ email }) => (email === undefined ? [] : [email]));
    expect(emails.length).toBeGreaterThan(students.length / 2);
    expect(new Set(emails).size).toBe(emails.length);
  });
});

describe('the churn snapshot (next day)', () => {
  const share = (count: number) => count / STUDENTS;

  it('removes and enrolls about 0.3% of students each, with later ids for the new ones', () => {
    const before = new Set(studentsOf(base).map((user) => user.id));
    const after = new Set(studentsOf(churn).map((user) => user.id));
    const removed = [...before].filter((id) => !after.has(id));
    const added = [...after].filter((id) => !before.has(id));
    for (const count of [removed.length, added.length]) {
      expect(share(count)).toBeGreaterThanOrEqual(0.001);
      expect(share(count)).toBeLessThanOrEqual(0.006);
    }
    const newest = [...before].sort().at(-1) ?? '';
    expect(added.every((id) => id > newest)).toBe(true);
    // Removed students are in no section; new ones are in some.
    const enrolled = new Set(churn.byKind.section.flatMap((section) => section.students));
    expect(removed.some((id) => enrolled.has(id))).toBe(false);
    expect(added.every((id) => enrolled.has(id))).toBe(true);
  });

  it('changes grades, names, emails and demographics of well under 1% of students each', () => {
    const kept = studentsOf(base).filter((user) => churn.users.has(user.id));
    const changed = (test: (before: UserRecord, after: UserRecord) => boolean) =>
      kept.filter((user) => test(user, churn.users.get(user.id) as UserRecord)).length;
    const grades = changed((a, b) => studentField(a, 'fields', 'grade') !== studentField(b, 'fields', 'grade'));
    const identity = changed((a, b) => JSON.stringify(a.personal) !== JSON.stringify(b.personal));
    const demographics = changed((a, b) => DEMOGRAPHIC_FIELDS.some((field) => studentField(a, 'personal', field) !== studentField(b, 'personal', field)));
    for (const [count, atMost] of [[grades, 0.004], [identity, 0.006], [demographics, 0.006]] as const) {
      expect(count).toBeGreaterThanOrEqual(1);
      expect(share(count)).toBeLessThanOrEqual(atMost);
    }
    // What changed carries the churn's time; what did not keeps its own.
    const touched = kept.filter((user) => JSON.stringify(user) !== JSON.stringify(churn.users.get(user.id)));
    expect(touched.every((user) => churn.users.get(user.id)?.lastModified === '2025-10-16T06:00:00.000Z')).toBe(true);
  });

  it('changes the students of a fifth to a third of sections, moves students between sections, swaps a teacher and renames a school', () => {
    // Each student who leaves, arrives or changes school changes the class lists of their 1-7 sections (two schools' for a move).
    const changedMembers = base.byKind.section.filter((section) => {
      const after = churn.sections.get(section.id);
      return after === undefined || after.students.join() !== section.students.join();
    });
    expect(changedMembers.length / base.byKind.section.length).toBeGreaterThan(0.01);
    expect(changedMembers.length / base.byKind.section.length).toBeLessThan(0.4);

    // A move: a student who stayed in the district joined a section they were not in.
    const baseEnrollments = enrollments(base);
    const kept = new Set(studentsOf(base).map((user) => user.id));
    const moved = [...enrollments(churn)].filter((pair) => !baseEnrollments.has(pair) && kept.has(pair.split('/')[1] ?? ''));
    expect(moved.length).toBeGreaterThanOrEqual(1);

    const stayed = base.byKind.section.filter((section) => churn.sections.has(section.id));
    const swapped = stayed.filter((section) => churn.sections.get(section.id)?.teachers[0] !== section.teachers[0]);
    expect(swapped.length).toBeGreaterThanOrEqual(1);
    expect(swapped.length / stayed.length).toBeLessThan(0.02);

    const renamed = base.byKind.school.filter((school) => {
      const after = churn.byKind.school.find((other) => other.id === school.id);
      return after?.fields['name'] !== school.fields['name'];
    });
    expect(renamed).toHaveLength(1);
  });
});

describe('the churn snapshot: people joining, leaving and changing', () => {
  const CHURN_TIME = '2025-10-16T06:00:00.000Z';
  const holding = (snapshot: Snapshot, role: 'teacher' | 'staff' | 'district_admin') =>
    new Map(snapshot.byKind.user.filter((user) => user.roles[role] !== undefined).map((user) => [user.id, user]));
  /** Who holds a role only after, only before, and in both with the role's fields changed. */
  const roleChanges = (role: 'teacher' | 'staff' | 'district_admin') => {
    const before = holding(base, role);
    const after = holding(churn, role);
    const joined = [...after.keys()].filter((id) => !before.has(id));
    const left = [...before.keys()].filter((id) => !after.has(id));
    const changed = [...before.keys()].filter(
      (id) => after.has(id) && JSON.stringify(before.get(id)?.roles[role]) !== JSON.stringify(after.get(id)?.roles[role]),
    );
    return { before, after, joined, left, changed };
  };

  it('hires and loses about 1% of teachers (at least one each), and no section is taught by anyone who left', () => {
    const { before, after, joined, left } = roleChanges('teacher');
    for (const count of [joined.length, left.length]) {
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBeLessThanOrEqual(Math.max(2, before.size * 0.02));
    }
    const newest = [...base.users.keys()].sort().at(-1) ?? '';
    expect(joined.every((id) => id > newest)).toBe(true);
    // Every section is taught by teachers who are there (a new one taking over some of them).
    const strays = churn.byKind.section.flatMap((section) => section.teachers.filter((id) => !after.has(id)));
    expect(strays).toEqual([]);
    const sectionsOfLeavers = base.byKind.section.filter((section) => section.teachers.some((id) => left.includes(id)));
    for (const section of sectionsOfLeavers) {
      const now = churn.sections.get(section.id);
      if (now !== undefined) expect(now.lastModified).toBe(CHURN_TIME);
    }
  });

  it('hires, loses and changes staff (at least one each), leaving principals as they were', () => {
    const { before, joined, left, changed } = roleChanges('staff');
    for (const count of [joined.length, left.length, changed.length]) {
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBeLessThanOrEqual(Math.max(2, before.size * 0.03));
    }
    const principals = (snapshot: Snapshot) => snapshot.byKind.school.map((school) => school.personal['principal']);
    expect(principals(base).every((principal) => typeof (principal as { email?: unknown } | undefined)?.email === 'string')).toBe(true);
    expect(principals(churn)).toEqual(principals(base));
  });

  it('hires, loses and retitles a district admin, never the district contact', () => {
    const { joined, left, changed } = roleChanges('district_admin');
    expect([joined.length, left.length, changed.length]).toEqual([1, 1, 1]);
    const contact = (snapshot: Snapshot) => snapshot.byKind.district[0]?.personal['district_contact'] as { id: string } | undefined;
    expect(contact(base)?.id).toMatch(/^[0-9a-f]{24}$/);
    expect(contact(churn)).toEqual(contact(base));
  });

  it('marks every user and section it changes with its time, and no other', () => {
    const withoutTime = (record: UserRecord | SectionRecord) => JSON.stringify({ ...record, lastModified: undefined });
    for (const [before, after] of [[base.users, churn.users], [base.sections, churn.sections]] as const) {
      const wrong: string[] = [];
      for (const [id, record] of after) {
        const old = before.get(id);
        const changed = old === undefined || withoutTime(old) !== withoutTime(record);
        if ((record.lastModified === CHURN_TIME) !== changed) wrong.push(id);
      }
      expect(wrong).toEqual([]);
    }
  });
});

describe('the churn snapshot: sections, schools, terms and courses', () => {
  const courseOf = (section: SectionRecord) => `${section.fields['school']}/${section.fields['course']}`;
  const schoolOf = (snapshot: Snapshot, id: string) => studentField(snapshot.users.get(id), 'fields', 'school');

  it('opens about 1% new sections with students from their sibling sections, and drops about 1% whose students go to the siblings', () => {
    const added = churn.byKind.section.filter((section) => !base.sections.has(section.id));
    const dropped = base.byKind.section.filter((section) => !churn.sections.has(section.id));
    for (const count of [added.length, dropped.length]) {
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBeLessThanOrEqual(Math.max(2, base.byKind.section.length * 0.02));
    }
    const newest = [...base.sections.keys()].sort().at(-1) ?? '';
    const baseCourses = new Map<string, Set<string>>();
    for (const section of base.byKind.section) for (const student of section.students) baseCourses.set(`${courseOf(section)}/${student}`, new Set());
    for (const section of added) {
      expect(section.id > newest).toBe(true);
      expect(section.students.length).toBeGreaterThanOrEqual(1);
      // Its students were in another section of the same course and school the day before (or arrived today).
      const stayed = section.students.filter((student) => base.users.has(student) && schoolOf(base, student) === schoolOf(churn, student));
      expect(stayed.length).toBeGreaterThanOrEqual(1);
      expect(stayed.filter((student) => !baseCourses.has(`${courseOf(section)}/${student}`))).toEqual([]);
    }
    // The students of a dropped section who stayed at their school are in another section of its course.
    const churnCourses = new Set(churn.byKind.section.flatMap((section) => section.students.map((student) => `${courseOf(section)}/${student}`)));
    const stranded = dropped.flatMap((section) =>
      section.students.filter(
        (student) => churn.users.has(student) && schoolOf(churn, student) === schoolOf(base, student) && !churnCourses.has(`${courseOf(section)}/${student}`),
      ),
    );
    expect(dropped.flatMap((section) => section.students).length).toBeGreaterThanOrEqual(1);
    expect(stranded).toEqual([]);
  });

  it('moves a few students to another school, into sections there and out of those at the old one', () => {
    const moved = studentsOf(base).filter((user) => churn.users.has(user.id) && schoolOf(churn, user.id) !== schoolOf(base, user.id));
    expect(moved.length).toBeGreaterThanOrEqual(1);
    expect(moved.length / STUDENTS).toBeLessThanOrEqual(0.006);
    const sectionsOf = new Map<string, SectionRecord[]>();
    for (const section of churn.byKind.section) for (const student of section.students) sectionsOf.set(student, [...(sectionsOf.get(student) ?? []), section]);
    for (const user of moved) {
      const school = schoolOf(churn, user.id);
      const schools = studentField(churn.users.get(user.id), 'fields', 'schools') as string[];
      expect(schools).toContain(school);
      expect(schools).not.toContain(schoolOf(base, user.id));
      const sections = sectionsOf.get(user.id) ?? [];
      expect(sections.some((section) => section.fields['school'] === school)).toBe(true);
      expect(sections.filter((section) => !schools.includes(section.fields['school'] as string)).map((section) => section.id)).toEqual([]);
    }
  });

  it("moves a term's end date and renames a course, whose sections' generated names follow", () => {
    const term = (snapshot: Snapshot) => snapshot.byKind.term.map((record) => `${record.id} ${record.fields['start_date']} ${record.fields['end_date']}`);
    const movedTerms = term(churn).filter((line) => !term(base).includes(line));
    expect(movedTerms).toHaveLength(1);

    const name = (snapshot: Snapshot, id: string) => snapshot.byKind.course.find((course) => course.id === id)?.fields['name'] as string;
    const renamed = base.byKind.course.filter((course) => name(churn, course.id) !== name(base, course.id));
    expect(renamed).toHaveLength(1);
    const course = renamed[0]?.id ?? '';
    const sections = churn.byKind.section.filter((section) => section.fields['course'] === course);
    expect(sections.every((section) => (section.fields['name'] as string).startsWith(`${name(churn, course)} - `))).toBe(true);
  });
});

describe('the rollover snapshot (next term)', () => {
  it('moves every section to a new term and replaces most enrollments and about 30% of section ids', () => {
    const baseTerms = new Set(base.byKind.section.map((section) => section.fields['term_id']));
    const rolloverTerms = new Set(rollover.byKind.section.map((section) => section.fields['term_id']));
    expect([...rolloverTerms].some((term) => baseTerms.has(term))).toBe(false);
    expect(rollover.byKind.term.map((term) => term.id)).toEqual([...rolloverTerms]);

    const before = enrollments(base);
    const after = [...enrollments(rollover)];
    expect(after.filter((pair) => before.has(pair)).length / before.size).toBeLessThan(0.3);

    const newIds = rollover.byKind.section.filter((section) => !base.sections.has(section.id)).length;
    expect(newIds / rollover.byKind.section.length).toBeGreaterThan(0.2);
    expect(newIds / rollover.byKind.section.length).toBeLessThan(0.4);
  });

  it("follows the churn's day: its users, schools and courses are the churn's, and no class list undoes the churn", () => {
    for (const file of ['users.json', 'schools.json', 'courses.json']) {
      expect([file, readFileSync(join(folder('rollover'), file)).equals(readFileSync(join(folder('churn'), file)))]).toEqual([file, true]);
    }
    expect(rollover.byKind.user.length).toBe(churn.byKind.user.length);
    const before = new Set(studentsOf(base).map((user) => user.id));
    const left = [...before].filter((id) => !churn.users.has(id));
    const arrived = studentsOf(churn).filter((user) => !before.has(user.id)).map((user) => user.id);
    expect(left.length).toBeGreaterThanOrEqual(1);
    expect(arrived.length).toBeGreaterThanOrEqual(1);
    const enrolled = new Set(rollover.byKind.section.flatMap((section) => section.students));
    expect(left.filter((id) => rollover.users.has(id) || enrolled.has(id))).toEqual([]);
    expect(arrived.filter((id) => !enrolled.has(id))).toEqual([]);
    // Every student and teacher a section names is a user of the rollover.
    const strays = rollover.byKind.section.flatMap((section) => [...section.students, ...section.teachers].filter((id) => !rollover.users.has(id)));
    expect(strays).toEqual([]);
  });

  it('follows the base when no churn is asked for, keeping its users as they were', async () => {
    await generateDistrict({ students: STUDENTS, seed: '1', out: folder('alone'), rollover: folder('rollover-alone') });
    expect(readFileSync(join(folder('rollover-alone'), 'users.json')).equals(readFileSync(join(folder('base'), 'users.json')))).toBe(true);
  });
});

describe('the command line', () => {
  it('writes a district and prints its summary as JSON', () => {
    const out = folder('cli');
    const stdout = execFileSync(
      process.execPath,
      ['-r', './bin/register.js', 'scripts/generate/generate-district.ts', '--students', '300', '--seed', 'cli', '--out', out, '--json'],
      { cwd: resolve(__dirname, '..'), encoding: 'utf8' },
    );
    const summary = JSON.parse(stdout) as { folders: FolderSummary[] };
    expect(summary.folders).toHaveLength(1);
    expect(summary.folders[0]).toMatchObject({ folder: out, snapshot: 'base' });
    expect(summary.folders[0]?.files.find((file) => file.file === 'users.json')?.bytes).toBeGreaterThan(0);
  });

  it('refuses bad arguments with exit code 2 and the usage', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, ['-r', './bin/register.js', 'scripts/generate/generate-district.ts', '--students', 'many', '--seed', '1', '--out', folder('x')], {
        cwd: resolve(__dirname, '..'),
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (error) {
      ({ status, stderr } = error as { status: number; stderr: string });
    }
    expect(status).toBe(2);
    expect(stderr).toMatch(/--students must be a whole number/);
  });

  it('refuses, with exit code 2, to write over the snapshot files a folder holds, and writes over them with --replace', () => {
    const out = folder('held');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'users.json'), 'a real district');
    const run = (...more: string[]) =>
      spawnSync(process.execPath, ['-r', './bin/register.js', 'scripts/generate/generate-district.ts', '--students', '300', '--seed', 'cli', '--out', out, ...more], {
        cwd: resolve(__dirname, '..'),
        encoding: 'utf8',
      });
    const refused = run();
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`${out} already holds users.json: give --replace to write over them`);
    expect(readFileSync(join(out, 'users.json'), 'utf8')).toBe('a real district');
    expect(run('--replace').status).toBe(0);
    expect(readFileSync(join(out, 'users.json'), 'utf8')).not.toBe('a real district');
  });
});
