import { classesProjection } from './classes.projection';
import {
  DISTRICT,
  EventLog,
  assignment,
  enrollment,
  primaryChange,
  readModels,
  removed,
  sectionRecord,
  shared,
  studentRecord,
  unassignment,
  updated,
} from '../../spec-support/read-model-harness';

const DAY1 = '2024-09-01T08:00:00.000Z';
const DAY2 = '2024-09-08T08:00:00.000Z';
const DAY3 = '2024-09-15T08:00:00.000Z';

describe('classes projection: one class per section', () => {
  const rm = readModels(classesProjection);
  const classOf = (id: string) => rm().models.classRecord(id);
  /** A shared section sec1 (school s1, term t1, course c1) with t1 primary, t2, and students u1, u2. */
  const sharedSection = (log: EventLog) => [
    log.append('section-sec1', 'SectionShared', sectionRecord('sec1', { name: 'Algebra 1A' }), { observedAt: DAY1, syncId: 'sync-1' }),
    log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't1', true), { observedAt: DAY1, syncId: 'sync-1' }),
    log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't2', false), { observedAt: DAY1, syncId: 'sync-1' }),
    log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1'), { observedAt: DAY1, syncId: 'sync-1' }),
    log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u2'), { observedAt: DAY1, syncId: 'sync-1' }),
  ];

  it('SectionShared opens an active class with its fields, first shared at the sync that saw it', async () => {
    const log = new EventLog();
    rm().when(log.append('section-sec1', 'SectionShared', sectionRecord('sec1', { name: 'Algebra 1A' }), { observedAt: DAY1, syncId: 'sync-1' }));

    expect(await classOf('sec1')).toMatchObject({
      id: 'sec1',
      districtId: DISTRICT,
      status: 'active',
      firstSharedAt: DAY1,
      firstSharedSync: 'sync-1',
      removedAt: null,
      removedSync: null,
      section: { id: 'sec1', active: true, fields: { school: 's1', name: 'Algebra 1A', term_id: 't1', course: 'c1' }, teachers: [], students: [], primaryTeacher: null },
    });
    expect(rm().rows('classes')).toEqual([
      expect.objectContaining({ id: 'sec1', district_id: DISTRICT, status: 'active', school_id: 's1', name: 'Algebra 1A', term_id: 't1', course_id: 'c1', position: 1 }),
    ]);
  });

  it('TeacherAssigned and StudentEnrolled fill its teachers (primary flagged) and students', async () => {
    const log = new EventLog();
    rm().when(...sharedSection(log));
    expect((await classOf('sec1'))!.section).toMatchObject({ teachers: ['t1', 't2'], primaryTeacher: 't1', students: ['u1', 'u2'] });
  });

  it('SectionUpdated changes the field in the class and in its indexed columns', async () => {
    const log = new EventLog();
    rm().given(sharedSection(log));
    rm().when(log.append('section-sec1', 'SectionUpdated', updated('sec1', { name: { from: 'Algebra 1A', to: 'Algebra 1 (A)' }, school: { from: 's1', to: 's2' } }), { observedAt: DAY2 }));

    const view = await classOf('sec1');
    expect(view!.section.fields).toMatchObject({ name: 'Algebra 1 (A)', school: 's2' });
    expect(view!.section.students).toEqual(['u1', 'u2']); // membership untouched
    expect(rm().rows('classes')[0]).toMatchObject({ name: 'Algebra 1 (A)', school_id: 's2' });
  });

  it('StudentUnenrolled and TeacherUnassigned take members out; unassigning the primary teacher leaves no primary', async () => {
    const log = new EventLog();
    rm().given(sharedSection(log));
    rm().when(
      log.append('section-sec1', 'StudentUnenrolled', enrollment('sec1', 'u2'), { observedAt: DAY2 }),
      log.append('section-sec1', 'TeacherUnassigned', unassignment('sec1', 't1'), { observedAt: DAY2 }),
    );
    expect((await classOf('sec1'))!.section).toMatchObject({ teachers: ['t2'], primaryTeacher: null, students: ['u1'] });
  });

  it('PrimaryTeacherChanged moves the primary flag', async () => {
    const log = new EventLog();
    rm().given(sharedSection(log));
    rm().when(log.append('section-sec1', 'PrimaryTeacherChanged', primaryChange('sec1', 't1', 't2'), { observedAt: DAY2 }));
    expect((await classOf('sec1'))!.section).toMatchObject({ teachers: ['t1', 't2'], primaryTeacher: 't2' });
  });

  it('SectionRemoved (after its members left) marks the class removed, when and by which sync', async () => {
    const log = new EventLog();
    rm().given(sharedSection(log));
    const by = { observedAt: DAY2, syncId: 'sync-2' };
    rm().when(
      log.append('section-sec1', 'StudentUnenrolled', enrollment('sec1', 'u1'), by),
      log.append('section-sec1', 'StudentUnenrolled', enrollment('sec1', 'u2'), by),
      log.append('section-sec1', 'TeacherUnassigned', unassignment('sec1', 't1'), by),
      log.append('section-sec1', 'TeacherUnassigned', unassignment('sec1', 't2'), by),
      log.append('section-sec1', 'SectionRemoved', removed('sec1'), by),
    );
    expect(await classOf('sec1')).toMatchObject({
      status: 'removed',
      removedAt: DAY2,
      removedSync: 'sync-2',
      firstSharedAt: DAY1,
      section: { active: false, teachers: [], students: [], primaryTeacher: null, fields: { name: 'Algebra 1A' } },
    });
    expect(rm().rows('classes')[0]).toMatchObject({ status: 'removed' });
  });

  it('SectionShared with sharedAgain makes a removed class active again', async () => {
    const log = new EventLog();
    rm().given([
      log.append('section-sec1', 'SectionShared', sectionRecord('sec1'), { observedAt: DAY1, syncId: 'sync-1' }),
      log.append('section-sec1', 'SectionRemoved', removed('sec1'), { observedAt: DAY2, syncId: 'sync-2' }),
    ]);
    rm().when(log.append('section-sec1', 'SectionShared', sectionRecord('sec1', { name: 'Back again', sharedAgain: true }), { observedAt: DAY3, syncId: 'sync-3' }));
    expect(await classOf('sec1')).toMatchObject({
      status: 'active',
      removedAt: null,
      removedSync: null,
      firstSharedAt: DAY1,
      firstSharedSync: 'sync-1',
      // its members joined at that sync or while it was not shared
      sharedAgainSyncs: ['sync-3'],
      section: { active: true, fields: { name: 'Back again' } },
    });
    expect((await rm().models.classNames(['sec1']))[0]).toMatchObject({ firstSharedSync: 'sync-1', sharedAgainSyncs: ['sync-3'] });
  });

  it('gives a class as it stood at a moment: its name then, removed between its removal and its share again, nothing before its first share', async () => {
    const log = new EventLog();
    const DAY4 = '2024-09-22T08:00:00.000Z';
    rm().when(
      log.append('section-sec1', 'SectionShared', sectionRecord('sec1', { name: 'Algebra 1A' }), { observedAt: DAY1, syncId: 'sync-1' }),
      log.append('section-sec1', 'SectionUpdated', updated('sec1', { name: { from: 'Algebra 1A', to: 'Algebra 1 (A)' }, school: { from: 's1', to: 's2' } }), { observedAt: DAY2, syncId: 'sync-2' }),
      log.append('section-sec1', 'SectionRemoved', removed('sec1'), { observedAt: DAY3, syncId: 'sync-3' }),
      log.append('section-sec1', 'SectionShared', sectionRecord('sec1', { name: 'Back again', sharedAgain: true }), { observedAt: DAY4, syncId: 'sync-4' }),
    );
    const asOf = async (at: string) => {
      const then = await rm().models.classAsOf('sec1', at);
      return then && { status: then.status, name: then.section.fields['name'], school: then.section.fields['school'], removedAt: then.removedAt };
    };
    expect(await asOf('2024-08-01T00:00:00.000Z')).toBeNull();
    expect(await asOf(DAY1)).toEqual({ status: 'active', name: 'Algebra 1A', school: 's1', removedAt: null });
    expect(await asOf('2024-09-10T00:00:00.000Z')).toEqual({ status: 'active', name: 'Algebra 1 (A)', school: 's2', removedAt: null });
    expect(await asOf('2024-09-20T00:00:00.000Z')).toEqual({ status: 'removed', name: 'Algebra 1 (A)', school: 's2', removedAt: DAY3 });
    expect(await asOf(DAY4)).toEqual({ status: 'active', name: 'Back again', school: 's1', removedAt: null });
    expect(await rm().models.classAsOf('sec9', DAY4)).toBeNull();
  });

  it('names classes for timelines: the name now, the last one a removed class had, nothing for an id never seen', async () => {
    const log = new EventLog();
    rm().given([
      log.append('section-sec1', 'SectionShared', sectionRecord('sec1', { name: 'Algebra 1A' }), { observedAt: DAY1 }),
      log.append('section-sec2', 'SectionShared', sectionRecord('sec2', { name: 'Biology' }), { observedAt: DAY1 }),
    ]);
    rm().when(
      log.append('section-sec1', 'SectionUpdated', updated('sec1', { name: { from: 'Algebra 1A', to: 'Algebra 1 (A)' } }), { observedAt: DAY2 }),
      log.append('section-sec2', 'SectionRemoved', removed('sec2'), { observedAt: DAY2 }),
    );
    const named = await rm().models.classNames(['sec2', 'nope', 'sec1']);
    expect(named.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'sec1', status: 'active', name: 'Algebra 1 (A)', firstSharedSync: 'sync-1', sharedAgainSyncs: [] },
      { id: 'sec2', status: 'removed', name: 'Biology', firstSharedSync: 'sync-1', sharedAgainSyncs: [] },
    ]);
    expect(await rm().models.classNames([])).toEqual([]);
  });

  it('ignores events of other streams and membership events of a section it never saw shared', async () => {
    const log = new EventLog();
    rm().when(
      log.append('user-u1', 'StudentShared', studentRecord('u1')),
      log.append('section-sec9', 'StudentEnrolled', enrollment('sec9', 'u1')),
      log.append('section-sec9', 'SectionUpdated', updated('sec9', { name: { from: 'a', to: 'b' } })),
    );
    expect(rm().rows('classes')).toEqual([]);
    expect(await classOf('sec9')).toBeNull();
  });

  it('searchClasses: a part of the name in any case, or the id; shared classes before removed ones, a page at a time', async () => {
    const log = new EventLog();
    rm().given([
      log.append('section-sec2', 'SectionShared', sectionRecord('sec2', { name: 'Algebra 1A' }), { observedAt: DAY1 }),
      log.append('section-sec1', 'SectionShared', sectionRecord('sec1', { name: 'algebra 2' }), { observedAt: DAY1 }),
      log.append('section-sec3', 'SectionShared', sectionRecord('sec3', { name: 'Biology' }), { observedAt: DAY1 }),
      log.append('section-sec1', 'SectionRemoved', removed('sec1'), { observedAt: DAY2 }),
    ]);
    const ids = async (text: string, options: { limit?: number; after?: string } = {}) => {
      const page = await rm().models.searchClasses(text, { limit: options.limit ?? 10, ...(options.after === undefined ? {} : { after: options.after }) });
      return { ids: page.items.map((c) => `${c.id} ${c.status}`), next: page.next };
    };
    expect((await ids('ALGEBRA')).ids).toEqual(['sec2 active', 'sec1 removed']);
    expect((await ids('sec3')).ids).toEqual(['sec3 active']);
    expect((await ids('chemistry')).ids).toEqual([]);
    const first = await ids('algebra', { limit: 1 });
    expect(first.ids).toEqual(['sec2 active']);
    expect(await ids('algebra', { limit: 1, after: first.next! })).toEqual({ ids: ['sec1 removed'], next: expect.any(String) });
    expect((await rm().models.searchClasses('algebra', { limit: 10 })).items[0]).toMatchObject({ id: 'sec2', name: 'Algebra 1A', schoolId: 's1', termId: 't1', courseId: 'c1', districtId: DISTRICT });
  });

  it('searchClasses: a name without its accents or case, and a SIS id or section number a file gave as a number', async () => {
    const log = new EventLog();
    rm().given([
      log.append('section-sec1', 'SectionShared', shared('sec1', { school: 's1', name: 'ÉTICA Y Valores', sis_id: 4021, section_number: '07' }), { observedAt: DAY1 }),
      log.append('section-sec2', 'SectionShared', sectionRecord('sec2', { name: 'Biology' }), { observedAt: DAY1 }),
    ]);
    const ids = async (text: string) => (await rm().models.searchClasses(text, { limit: 10 })).items.map((c) => c.id);
    expect(await ids('etica y')).toEqual(['sec1']);
    expect(await ids('Ética')).toEqual(['sec1']);
    expect(await ids('4021')).toEqual(['sec1']);
    expect(await ids('07')).toEqual(['sec1']);
    expect((await rm().models.searchClasses('4021', { limit: 10 })).items[0]).toMatchObject({ sisId: '4021', sectionNumber: '07' });
  });
});
