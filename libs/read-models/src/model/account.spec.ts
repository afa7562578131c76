import { evolveAccount, schoolsOf } from './account';
import { evolveClass } from './class';
import { EventLog, enrollment, removed, sectionRecord, staffRecord, studentRecord, teacherRecord } from '../spec-support/read-model-harness';

describe('evolveAccount: the fold of a user stream into an account', () => {
  it('folds nothing before a share, and ignores an event at or before the position it reflects', () => {
    const log = new EventLog();
    expect(evolveAccount(undefined, log.append('user-u1', 'StudentRemoved', removed('u1')))).toBeUndefined();
    const shared = log.append('user-u1', 'StudentShared', studentRecord('u1'));
    const account = evolveAccount(undefined, shared)!;
    const removal = log.append('user-u1', 'StudentRemoved', removed('u1'));
    const snapshot = structuredClone(evolveAccount(account, removal)!);
    expect(snapshot).toMatchObject({ status: 'removed', position: removal.position });
    expect(evolveAccount(account, shared)).toEqual(snapshot); // a replay of the share does not revive it
  });

  it('schoolsOf: the schools of every active role', () => {
    const log = new EventLog();
    let account = evolveAccount(undefined, log.append('user-t1', 'TeacherShared', teacherRecord('t1', { schools: ['s1', 's3'] })));
    account = evolveAccount(account, log.append('user-t1', 'StaffShared', staffRecord('t1', { schools: ['s2'] })));
    expect(schoolsOf(account!.person).sort()).toEqual(['s1', 's2', 's3']);
    account = evolveAccount(account, log.append('user-t1', 'TeacherRemoved', removed('t1')));
    expect(schoolsOf(account!.person)).toEqual(['s2']);
  });
});

describe('evolveClass: the fold of a section stream into a class', () => {
  it('folds nothing before a share, and ignores an event at or before the position it reflects', () => {
    const log = new EventLog();
    expect(evolveClass(undefined, log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1')))).toBeUndefined();
    const view = evolveClass(undefined, log.append('section-sec1', 'SectionShared', sectionRecord('sec1')))!;
    const enrolled = log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1'));
    evolveClass(view, enrolled);
    const unenrolled = log.append('section-sec1', 'StudentUnenrolled', enrollment('sec1', 'u1'));
    evolveClass(view, unenrolled);
    expect(evolveClass(view, enrolled)!.section.students).toEqual([]);
    expect(view.position).toBe(unenrolled.position);
  });
});
