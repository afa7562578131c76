import { redactEventData, visiblePersonal } from './personal-data';

describe('personal data access', () => {
  const personal = { name: { first: 'Ada' }, email: 'a@x.org', sis_id: '1', race: 'Asian', dob: '2010-01-01', location: { zip: '1' } };

  it('shows support who a student is, but not their demographics, birth date or address', () => {
    expect(visiblePersonal(personal, 'identity')).toEqual({ name: { first: 'Ada' }, email: 'a@x.org', sis_id: '1' });
  });

  it("shows support a role's own email, kept where it differs from the person's: an address, as the person's email is", () => {
    const roles = { student_email: 's@school.org', teacher_email: 't@school.org', staff_email: 'st@school.org', district_admin_email: 'd@school.org', race: 'Asian' };
    expect(visiblePersonal(roles, 'identity')).toEqual({ student_email: 's@school.org', teacher_email: 't@school.org', staff_email: 'st@school.org', district_admin_email: 'd@school.org' });
  });

  it('shows compliance everything and engineers nothing personal', () => {
    expect(visiblePersonal(personal, 'full')).toEqual(personal);
    expect(visiblePersonal(personal, 'none')).toEqual({});
  });

  it('redacts field changes by their top-level field and says that it did', () => {
    const data = { id: 'u1', personal: { 'name.first': { from: 'A', to: 'B' }, race: { from: 'x', to: 'y' } } };
    expect(redactEventData(data, 'identity')).toEqual({ id: 'u1', personal: { 'name.first': { from: 'A', to: 'B' } }, personalRedacted: true });
    expect(redactEventData(data, 'full')).toBe(data);
    expect(redactEventData({ sectionId: 's', studentId: 'u' }, 'none')).toEqual({ sectionId: 's', studentId: 'u' });
  });

  it('judges a personal key with a dot as the one key it is, in a record as in a change of it', () => {
    // a field a district named `email.private_notes` is not the email
    const odd = { email: 'a@x.org', 'email.private_notes': 'secret' };
    expect(visiblePersonal(odd, 'identity')).toEqual({ email: 'a@x.org' });
    const shared = { id: 'u1', record: {}, personal: odd };
    expect(redactEventData(shared, 'identity')).toEqual({ id: 'u1', record: {}, personal: { email: 'a@x.org' }, personalRedacted: true });
    const updated = { id: 'u1', personal: { 'email\\.private_notes': { from: 'a', to: 'b' }, 'name.first': { from: 'A', to: 'B' } } };
    expect(redactEventData(updated, 'identity')).toEqual({ id: 'u1', personal: { 'name.first': { from: 'A', to: 'B' } }, personalRedacted: true });
  });

  it("leaves a record's district extension fields (ext) to those who see personal data in full, in a share as in a change", () => {
    const shared = { id: 'u1', record: { grade: '3', ext: { guardian_name: 'Mo', guardian_phone: '555' } }, personal: { name: { first: 'Ada' } }, sharedAgain: false };
    expect(redactEventData(shared, 'full')).toBe(shared);
    expect(redactEventData(shared, 'identity')).toEqual({ id: 'u1', record: { grade: '3' }, personal: { name: { first: 'Ada' } }, sharedAgain: false, personalRedacted: true });
    expect(redactEventData(shared, 'none')).toEqual({ id: 'u1', record: { grade: '3' }, personal: {}, sharedAgain: false, personalRedacted: true });
    const updated = { id: 'u1', changes: { grade: { from: '3', to: '4' }, 'ext.guardian_phone': { from: '555', to: '556' } }, personal: {} };
    expect(redactEventData(updated, 'identity')).toEqual({ id: 'u1', changes: { grade: { from: '3', to: '4' } }, personal: {}, personalRedacted: true });
    // a record without extension fields is as it was
    const plain = { id: 's1', record: { name: 'Algebra' }, personal: {}, sharedAgain: false };
    expect(redactEventData(plain, 'none')).toEqual(plain);
  });
});
