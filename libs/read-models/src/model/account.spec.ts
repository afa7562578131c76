import { evolveAccount } from './account';
import { evolveClass } from './class';
import { EventLog, enrollment, removed, sectionRecord, studentRecord } from '../spec-support/read-model-harness';

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
