import { noFindings, noteEndsBeforeStart, noteMismatch, noteRoleConflict, noteUnknownValues, noteUnnamed, noteUnresolved, recordedFindings, FINDING_EXAMPLES_KEPT } from './sync-findings';

describe("a sync's findings", () => {
  it('counts every unknown value and keeps where the first three of each field were read', () => {
    const findings = noFindings();
    for (let record = 0; record < 5; record++) noteUnknownValues(findings, ['student.gender'], { file: 'users.json', record, recordId: `u${record}` });
    noteUnknownValues(findings, ['student.dob', 'student.gender'], { file: 'students.csv', line: 9, recordId: 'u9' });
    expect(FINDING_EXAMPLES_KEPT).toBe(3);
    expect(findings.unknownValues).toEqual({ 'student.gender': 6, 'student.dob': 1 });
    expect(findings.unknownValuesAt).toEqual({
      'student.gender': [0, 1, 2].map((record) => ({ file: 'users.json', record, recordId: `u${record}` })),
      'student.dob': [{ file: 'students.csv', line: 9, recordId: 'u9' }],
    });
  });

  it('keeps a copy of each place: a reader that reuses its location object changes none of them', () => {
    const findings = noFindings();
    const at = { file: 'users.json', record: 0, recordId: 'u0' };
    noteUnknownValues(findings, ['student.gender'], at);
    Object.assign(at, { record: 1, recordId: 'u1' });
    noteUnknownValues(findings, ['student.gender'], at);
    expect(findings.unknownValuesAt['student.gender']!.map((p) => p.recordId)).toEqual(['u0', 'u1']);
  });

  it('counts every unresolved id and keeps the first three of each kind', () => {
    const findings = noFindings();
    for (const id of ['s1', 's2', 's3', 's4']) noteUnresolved(findings, 'school', id);
    noteUnresolved(findings, 'term', 't9');
    expect(findings.unresolved).toEqual({ school: 4, term: 1 });
    expect(findings.unresolvedIds).toEqual({ school: ['s1', 's2', 's3'], term: ['t9'] });
  });

  it('records examples only where there are findings: a sync without any records what syncs did before', () => {
    expect(recordedFindings(noFindings())).toEqual({ skipped: {}, unresolved: {}, unknownValues: {} });
    const findings = noFindings();
    noteUnknownValues(findings, ['school.low_grade'], { file: 'schools.json', record: 2, recordId: 's2' });
    expect(recordedFindings(findings)).toEqual({
      skipped: {}, unresolved: {}, unknownValues: { 'school.low_grade': 1 }, unknownValuesAt: { 'school.low_grade': [{ file: 'schools.json', record: 2, recordId: 's2' }] },
    });
    noteUnresolved(findings, 'course', 'c1');
    expect(recordedFindings(findings)).toMatchObject({ unresolved: { course: 1 }, unresolvedIds: { course: ['c1'] } });
    expect(recordedFindings(findings)).not.toHaveProperty('mismatched');
    expect(recordedFindings(findings)).not.toHaveProperty('roleConflicts');
    expect(recordedFindings(findings)).not.toHaveProperty('unnamed');
  });

  it('counts every value that disagrees with another file and keeps where the first three were read', () => {
    const findings = noFindings();
    for (let line = 2; line < 7; line++) noteMismatch(findings, 'enrollments.csv School_id', { file: 'enrollments.csv', line, recordId: `sec${line}` });
    expect(recordedFindings(findings)).toMatchObject({
      mismatched: { 'enrollments.csv School_id': 5 },
      mismatchedAt: { 'enrollments.csv School_id': [2, 3, 4].map((line) => ({ file: 'enrollments.csv', line, recordId: `sec${line}` })) },
    });
  });

  it('counts every new member of a section recorded without the role of its list, and keeps where the first three were read', () => {
    const findings = noFindings();
    for (let record = 0; record < 4; record++) noteRoleConflict(findings, 'section.students', { file: 'events', record, recordId: `sec${record}` });
    expect(recordedFindings(findings)).toMatchObject({
      roleConflicts: { 'section.students': 4 },
      roleConflictsAt: { 'section.students': [0, 1, 2].map((record) => ({ file: 'events', record, recordId: `sec${record}` })) },
    });
  });

  it('counts every record without a name and keeps where the first three were read', () => {
    const findings = noFindings();
    for (let line = 2; line < 6; line++) noteUnnamed(findings, 'section', { file: 'sections.csv', line, recordId: `sec${line}` });
    expect(recordedFindings(findings)).toMatchObject({
      unnamed: { section: 4 },
      unnamedAt: { section: [2, 3, 4].map((line) => ({ file: 'sections.csv', line, recordId: `sec${line}` })) },
    });
  });

  it('counts every record that ends before it starts and keeps where the first three were read; records none when there is none', () => {
    expect(recordedFindings(noFindings())).not.toHaveProperty('endsBeforeStart');
    const findings = noFindings();
    for (let line = 2; line < 6; line++) noteEndsBeforeStart(findings, 'term', { file: 'sections.csv', line, recordId: `term${line}` });
    expect(recordedFindings(findings)).toMatchObject({
      endsBeforeStart: { term: 4 },
      endsBeforeStartAt: { term: [2, 3, 4].map((line) => ({ file: 'sections.csv', line, recordId: `term${line}` })) },
    });
  });
});
