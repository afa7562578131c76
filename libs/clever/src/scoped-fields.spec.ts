import { coverageOfVersion } from './api/version-coverage';
import { coverageWithScopes } from './scoped-fields';

describe("a student's scoped fields left out of a record", () => {
  const student = (fields: Record<string, unknown>) => ({ id: 'u1', roles: { student: { grade: '9', ...fields } } });
  const all = { ell_status: 'N', frl_status: '', iep_status: null, home_language: 'English', home_language_code: 'eng' };

  it('are the fields the record does not cover, whatever else the version leaves out', () => {
    const v30 = coverageOfVersion('v3.0');
    const coverage = coverageWithScopes(student({ ell_status: 'N', iep_status: null }), v30);
    expect(Object.keys(coverage!.fields!.student!).filter((path) => !(path in v30!.fields!.student!))).toEqual(['frl_status', 'home_language']);
    expect(coverage!.fields!.student!['frl_status']).toBe('frl_status (not in the record: Clever gives it only under a scope of its own)');
    // a field the version has not at all is missing for that reason, whatever the scopes
    expect(coverage!.fields!.student!['home_language_code']).toBe('home_language_code (a v3.1 field, read at v3.0)');
    expect(coverage!.fields!.teacher).toEqual(v30!.fields!.teacher);
  });

  it('are none when the keys are there, empty or not, or the user has no student role', () => {
    expect(coverageWithScopes(student(all), undefined)).toBeUndefined();
    const v30 = coverageOfVersion('v3.0');
    expect(coverageWithScopes(student(all), v30)).toBe(v30);
    expect(coverageWithScopes({ id: 't1', roles: { teacher: { school: 's1' } } }, undefined)).toBeUndefined();
  });

  it('are one object per set of missing keys, which the diff combines once, not once per record', () => {
    const a = coverageWithScopes(student({ ell_status: 'N' }), undefined);
    expect(coverageWithScopes(student({ ell_status: 'Y' }), undefined)).toBe(a);
    expect(coverageWithScopes(student({}), undefined)).not.toBe(a);
  });
});
