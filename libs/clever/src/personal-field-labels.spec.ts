import { personalFieldOfLabel } from './personal-field-labels';

describe("the personal field a finding's label names", () => {
  it('is the top field of a personal part, whole objects included', () => {
    expect(personalFieldOfLabel('student.gender')).toBe('gender');
    expect(personalFieldOfLabel('student.race')).toBe('race');
    expect(personalFieldOfLabel('student.dob')).toBe('dob');
    expect(personalFieldOfLabel('student.disability.disability_type')).toBe('disability');
    expect(personalFieldOfLabel('user.name')).toBe('name');
    expect(personalFieldOfLabel('district.district_contact.email')).toBe('district_contact');
  });

  it("is none for a roster fact, a record's clocks and a section's members", () => {
    for (const label of ['student.grade', 'section.subject', 'section.grade', 'term.start_date', 'user.created', 'student.last_modified', 'section.students', 'section.teacher']) {
      expect([label, personalFieldOfLabel(label)]).toEqual([label, null]);
    }
  });

  it("counts a district's extension fields, and what the mapping does not know, as personal", () => {
    expect(personalFieldOfLabel('section.ext.locker')).toBe('ext');
    expect(personalFieldOfLabel('student.favourite_colour')).toBe('favourite_colour');
    expect(personalFieldOfLabel('guardian.phone')).toBe('phone');
  });
});
