import { InvalidInput } from '@roster-ledger/domain';
import { AUDIT_EVENT_TYPES, checkAuditTypes, RECORD_TYPE_OF_EVENT, unmatchableTypesProblem } from './audit-vocabulary';

describe('the audit feed’s vocabulary', () => {
  const types = (...values: string[]) => ({ parameter: 'types', values });
  const recordTypes = (...values: string[]) => ({ parameter: 'recordTypes', values });

  it('files every event type the feed can be filtered on under a record type', () => {
    expect(Object.keys(RECORD_TYPE_OF_EVENT).sort()).toEqual([...AUDIT_EVENT_TYPES].sort());
  });

  it('says event types that can never be of the record types asked for can never match, grouped by where they are filed', () => {
    expect(unmatchableTypesProblem(types('StudentShared', 'StudentRemoved'), recordTypes('teacher'))).toBe(
      'types StudentShared,StudentRemoved can never be of recordTypes teacher: StudentShared, StudentRemoved are filed under student',
    );
    expect(unmatchableTypesProblem({ parameter: '--types', values: ['StudentEnrolled', 'SchoolShared'] }, { parameter: '--record-types', values: ['student', 'section'] })).toBe(
      '--types StudentEnrolled,SchoolShared can never be of --record-types student,section: StudentEnrolled is filed under enrollment; SchoolShared is filed under school',
    );
  });

  it('lets through a filter that can match: one type of one record type is enough, and either list left out matches', () => {
    expect(unmatchableTypesProblem(types('StudentShared', 'TeacherShared'), recordTypes('teacher'))).toBeNull();
    expect(unmatchableTypesProblem(types('DemographicUpdated'), recordTypes('student'))).toBeNull();
    expect(unmatchableTypesProblem(types('PrimaryTeacherChanged'), recordTypes('section'))).toBeNull();
    expect(unmatchableTypesProblem(types('StudentShared'), { parameter: 'recordTypes', values: undefined })).toBeNull();
    expect(unmatchableTypesProblem({ parameter: 'types', values: undefined }, recordTypes('teacher'))).toBeNull();
    // a value that is no type at all is its own list's problem
    expect(unmatchableTypesProblem(types('StudentAdded'), recordTypes('teacher'))).toBeNull();
  });

  it('refuses such a filter in the application layer too, naming recordTypes', () => {
    expect(() => checkAuditTypes({ types: ['StudentRemoved'], recordTypes: ['teacher'] })).toThrow(InvalidInput);
    expect(() => checkAuditTypes({ types: ['TeacherRemoved'], recordTypes: ['teacher'] })).not.toThrow();
  });
});
