import type { RecordKind } from '@roster-ledger/domain';
import { normalizeCleverRecord } from './clever-normalizer';
import type { NormalizedItem } from './snapshot-item';

const D = 'd1';
const at = { file: '/snap/x.json', line: 1, record: 0 };

function normalize(kind: RecordKind, raw: Record<string, unknown>): NormalizedItem {
  return normalizeCleverRecord(kind, raw, at);
}

/** What Clever sends on every record of a kind, whatever else a spec gives: a user's name, a section's school and lists, a name. */
const ALWAYS_SENT: Partial<Record<RecordKind, Record<string, unknown>>> = {
  user: { name: {} },
  section: { name: 'Algebra I', school: 'sc', students: [], teachers: [] },
  school: { name: 'Lincoln High' },
  district: { name: 'Demo' },
};

function recordOf(kind: RecordKind, raw: Record<string, unknown>) {
  const item = normalize(kind, { ...ALWAYS_SENT[kind], ...raw });
  if (item.type !== 'record') throw new Error(`expected a record, got ${item.reason}`);
  return item;
}

describe('normalizing Clever records', () => {
  describe('values without a value', () => {
    it('leaves out "", null and absent keys, also inside nested objects, and drops objects left empty', () => {
      const { record } = recordOf('school', {
        id: 's1',
        district: D,
        name: 'Lincoln High',
        phone: '',
        nces_id: null,
        location: { address: '', city: null, zip: '11004' },
        principal: { name: '', email: null },
        ext: { a: { b: '' } },
      });
      expect(record.fields).toEqual({ name: 'Lincoln High', location: { zip: '11004' } });
      expect(record.personal).toEqual({});
    });
  });

  describe('unknown enumeration values', () => {
    it('keeps the raw value and names the field', () => {
      const item = recordOf('user', {
        id: 'u1',
        district: D,
        roles: { student: { grade: 'Grade 9', gender: 'Q', race: 'Martian', frl_status: 'Other', disability: { disability_status: 'Maybe' } } },
      });
      expect(item.unknownValues).toEqual(['student.disability.disability_status', 'student.gender', 'student.grade', 'student.race']);
      expect(item.record.kind === 'user' && item.record.roles.student).toEqual({
        fields: { grade: 'Grade 9' },
        personal: { disability: { disability_status: 'Maybe' }, frl_status: 'Other', gender: 'Q', race: 'Martian' },
      });
    });

    it('checks section subject and grade, and school grades', () => {
      expect(recordOf('section', { id: 'x', district: D, subject: 'robotics', grade: 'Kindergarten' }).unknownValues).toEqual([
        'section.subject',
      ]);
      expect(recordOf('school', { id: 's', district: D, low_grade: 'PreK', high_grade: '13' }).unknownValues).toEqual([
        'school.low_grade',
      ]);
    });
  });

  describe('dates of birth', () => {
    it.each([
      ['6/18/1998', '1998-06-18'],
      ['12/1/2010', '2010-12-01'],
      ['2/29/2012', '2012-02-29'],
      ['2010-12-01', '2010-12-01'],
    ])('turns %s into %s', (dob, iso) => {
      const item = recordOf('user', { id: 'u', district: D, roles: { student: { dob } } });
      expect(item.record.kind === 'user' && item.record.roles.student?.personal['dob']).toBe(iso);
      expect(item.unknownValues).toEqual([]);
    });

    it.each(['2/30/2012', '13/1/2010', 'June 18, 1998'])('keeps %s raw and reports it', (dob) => {
      const item = recordOf('user', { id: 'u', district: D, roles: { student: { dob } } });
      expect(item.record.kind === 'user' && item.record.roles.student?.personal['dob']).toBe(dob);
      expect(item.unknownValues).toEqual(['student.dob']);
    });
  });

  describe('graduation years', () => {
    it('keeps a 4-digit year with no report', () => {
      const item = recordOf('user', { id: 'u', district: D, roles: { student: { graduation_year: '2030' } } });
      expect(item.record.kind === 'user' && item.record.roles.student?.fields['graduation_year']).toBe('2030');
      expect(item.unknownValues).toEqual([]);
    });

    it.each(['2030.0', '30', 'class of 2030'])('keeps %s raw and reports it', (year) => {
      const item = recordOf('user', { id: 'u', district: D, roles: { student: { graduation_year: year } } });
      expect(item.record.kind === 'user' && item.record.roles.student?.fields['graduation_year']).toBe(year);
      expect(item.unknownValues).toEqual(['student.graduation_year']);
    });
  });

  describe("terms' and districts' dates", () => {
    it.each([
      ['2012-08-01', '2012-08-01'],
      ['2012-08-01T00:00:00.000Z', '2012-08-01'],
      ['2012-08-01T00:00:00Z', '2012-08-01'],
      ['2013-06-01T04:00:00.000-04:00', '2013-06-01'],
    ])('reads %s as the day %s, so the two forms Clever gives the same term are the same date', (given, day) => {
      const term = recordOf('term', { id: 't', district: D, name: 'Y1', start_date: given, end_date: given });
      expect(term.record.fields).toEqual({ name: 'Y1', start_date: day, end_date: day });
      expect(term.unknownValues).toEqual([]);
      expect(recordOf('district', { id: D, name: 'Demo', launch_date: given }).record.fields['launch_date']).toBe(day);
    });

    it.each(['2026-13-45T00:00:00Z', '=1+2', 'yesterday', '2021-03-02'])(
      'leaves out a last_modified of %s as no clock (it orders nothing) and reports it; keeps a created of it as given and reports it',
      (given) => {
        const section = recordOf('section', { id: 's', district: D, school: 'sc', created: given, last_modified: given });
        expect(section.record.lastModified).toBeUndefined();
        expect(section.record.fields['created']).toBe(given);
        expect(section.unknownValues).toEqual(['section.created', 'section.last_modified']);
        const user = recordOf('user', { id: 'u', district: D, created: given, last_modified: given, roles: { student: {} } });
        expect(user.record.lastModified).toBeUndefined();
        expect(user.unknownValues).toEqual(['user.created', 'user.last_modified']);
      },
    );

    it('keeps a last_modified and a created Clever writes', () => {
      const at = '2021-03-02T22:24:53.349Z';
      const section = recordOf('section', { id: 's', district: D, school: 'sc', created: at, last_modified: at });
      expect([section.record.lastModified, section.record.fields['created'], section.unknownValues]).toEqual([at, at, []]);
    });

    it.each(['2012-02-30', '8/1/2012', 'next fall', '2012-08-01T25'])('keeps %s raw and reports it', (given) => {
      const term = recordOf('term', { id: 't', district: D, start_date: given });
      expect(term.record.fields['start_date']).toBe(given);
      expect(term.unknownValues).toEqual(['term.start_date']);
    });
  });

  describe('users', () => {
    it('skips a contact', () => {
      expect(normalize('user', { id: 'c1', district: D, name: { last: 'Aaron Berge' }, roles: { contact: { phone: '' } } })).toEqual({
        type: 'skipped',
        reason: 'contact',
        origin: { ...at, recordId: 'c1' },
      });
    });

    it('keeps every role of a multi-role user, ignores its contact role, and copies created into each role', () => {
      const { record } = recordOf('user', {
        id: 'u1',
        district: D,
        email: 'pat@example.org',
        name: { first: 'Pat', middle: '', last: 'Lee' },
        created: '2021-03-02T22:24:55.356Z',
        last_modified: '2021-04-01T00:00:00.000Z',
        roles: {
          teacher: {
            sis_id: '47',
            teacher_number: '230186',
            title: 'Teacher',
            school: 's1',
            schools: ['s1'],
            district: D,
            name: { first: 'Pat' },
            created: '2000-01-01',
            last_modified: '2000-01-01',
            credentials: { district_username: 'plee' },
          },
          staff: { staff_id: 'st9', schools: ['s1', 's2'], department: 'Math', roles: ['School Tech Lead'], ext: { badge: 12 } },
          district_admin: { title: '', legacy_id: 'L1' },
          contact: { student_relationships: [{ student: 'u9' }] },
        },
      });
      expect(record).toEqual({
        kind: 'user',
        id: 'u1',
        districtId: D,
        lastModified: '2021-04-01T00:00:00.000Z',
        fields: {},
        personal: { email: 'pat@example.org', name: { first: 'Pat', last: 'Lee' } },
        roles: {
          teacher: {
            fields: { created: '2021-03-02T22:24:55.356Z', school: 's1', schools: ['s1'], title: 'Teacher' },
            personal: { credentials: { district_username: 'plee' }, sis_id: '47', teacher_number: '230186' },
          },
          staff: {
            fields: {
              created: '2021-03-02T22:24:55.356Z',
              department: 'Math',
              ext: { badge: 12 },
              roles: ['School Tech Lead'],
              schools: ['s1', 's2'],
            },
            personal: { staff_id: 'st9' },
          },
          district_admin: { fields: { created: '2021-03-02T22:24:55.356Z', legacy_id: 'L1' }, personal: {} },
        },
      });
    });

    it('drops the student role\'s copy of the email and treats undocumented keys as personal', () => {
      const { record } = recordOf('user', {
        id: 'u1',
        district: D,
        email: 'a@example.net',
        shoe_size: '42',
        roles: { student: { email: 'a@example.net', nickname: 'Al', school: 's1' }, mentor: { since: '2020' } },
      });
      expect(record.personal).toEqual({ email: 'a@example.net', shoe_size: '42', roles: { mentor: { since: '2020' } } });
      expect(record.kind === 'user' && record.roles).toEqual({ student: { fields: { school: 's1' }, personal: { nickname: 'Al' } } });
    });

    it("keeps a student role's email that differs from the user's, under a key of its own: another address, not a copy", () => {
      const { record } = recordOf('user', { id: 'u1', district: D, email: 'a@example.net', roles: { student: { email: 'al@school.example.org', school: 's1' } } });
      expect(record.personal).toEqual({ email: 'a@example.net' });
      expect(record.kind === 'user' && record.roles.student).toEqual({ fields: { school: 's1' }, personal: { student_email: 'al@school.example.org' } });
    });

    it("keeps a teacher's, staff member's or district admin's role email the same way: the person's email stays the person's", () => {
      const { record } = recordOf('user', {
        id: 'u1',
        district: D,
        email: 'a@example.net',
        roles: {
          teacher: { email: 'teach@school.example.org', school: 's1' },
          staff: { email: 'staff@school.example.org', schools: ['s1'] },
          district_admin: { email: 'a@example.net' },
        },
      });
      expect(record.personal).toEqual({ email: 'a@example.net' });
      expect(record.kind === 'user' && record.roles).toEqual({
        teacher: { fields: { school: 's1' }, personal: { teacher_email: 'teach@school.example.org' } },
        staff: { fields: { schools: ['s1'] }, personal: { staff_email: 'staff@school.example.org' } },
        district_admin: { fields: {}, personal: {} },
      });
    });
  });

  describe('free-form data nested too deep', () => {
    /** `depth` objects or arrays inside each other, around `leaf`. */
    const nest = (depth: number, kind: 'object' | 'array', leaf: unknown = 'x'): unknown => {
      let value = leaf;
      for (let i = 0; i < depth; i++) value = kind === 'object' ? { k: value } : [value];
      return value;
    };
    const user = (deep: unknown) => ({ id: 'u1', district: D, name: {}, roles: { student: { school: 's1', ext: { deep } } } });

    it('keeps 64 levels, counted from the record, and refuses a 65th, naming the record and where (objects, and arrays inside arrays)', () => {
      // roles.student.ext.deep is four levels in: 61 more make 64
      expect(() => recordOf('user', user(nest(61, 'object')))).not.toThrow();
      expect(() => recordOf('user', user(nest(61, 'array')))).not.toThrow();
      expect(() => recordOf('user', { ...user('x'), roles: { student: { school: 's1' }, mentor: { deep: nest(63, 'object') } } })).toThrow(/roles\.mentor\.deep(\.k){62}: objects and arrays nest more than 64/);
      for (const kind of ['object', 'array'] as const) {
        let thrown: any;
        try {
          normalize('user', user(nest(62, kind)));
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toMatchObject({ code: 'INVALID_INPUT', at: { ...at, recordId: 'u1', field: expect.stringMatching(/^roles\.student\.ext\.deep(\.k|\[0\]){61}$/) } });
        expect(thrown.message).toContain('objects and arrays nest more than 64 levels deep here');
      }
    });

    it('refuses data nested thousands deep with that error, not a stack overflow', () => {
      expect(() => normalize('user', user(nest(100_000, 'array')))).toThrow(/nest more than 64 levels deep/);
      expect(() => normalize('user', user({ a: [nest(100_000, 'object')] }))).toThrow(/nest more than 64 levels deep/);
    });
  });

  describe('free-form numbers past what JSON numbers hold', () => {
    const user = (ext: unknown) => ({ id: 'u1', district: D, name: {}, roles: { student: { school: 's1', ext } } });
    const failure = (ext: unknown) => {
      try {
        normalize('user', user(ext));
      } catch (error) {
        return error as { at: { field?: string }; message: string };
      }
      throw new Error('not refused');
    };

    it('refuses a number past a double\'s range (it reads as infinity), naming the field, in objects and arrays alike', () => {
      expect(failure({ huge: JSON.parse('1e400') })).toMatchObject({ at: { recordId: 'u1', field: 'roles.student.ext.huge' } });
      expect(failure({ list: [1, JSON.parse('1e400')] })).toMatchObject({ at: { field: 'roles.student.ext.list[1]' } });
      expect(failure({ list: [[JSON.parse('-1e400')]] }).message).toContain('a number too large for JSON numbers (it reads as infinity)');
    });

    it('keeps every number JSON keeps exactly: the largest safe whole number, fractions, negative zero, a large number of few digits', () => {
      // (2^54 is exact: a whole number past 2^53 is refused by nothing here)
      const { record } = recordOf('user', user({ top: Number.MAX_SAFE_INTEGER, low: -Number.MAX_SAFE_INTEGER, ratio: 0.1, zero: -0, list: [[1.5e300]], power: 2 ** 54 }));
      expect(JSON.stringify(record)).toContain('"top":9007199254740991');
      expect(JSON.stringify(record)).toContain('"power":18014398509481984');
    });
  });

  describe('sections', () => {
    it('puts the primary teacher first and removes repeated ids', () => {
      const { record } = recordOf('section', {
        id: 'sec1',
        district: D,
        teacher: 't2',
        teachers: ['t1', 't2', 't3', 't1'],
        students: ['u1', 'u2', 'u1'],
      });
      expect(record).toMatchObject({ teachers: ['t2', 't1', 't3'], students: ['u1', 'u2'], fields: {}, personal: {} });
    });

    it('adds a primary teacher missing from teachers (a v1.1 section names only its teacher)', () => {
      expect(normalize('section', { id: 'sec1', district: D, name: 'Algebra I', school: 'sc', teacher: 't9', students: [] })).toMatchObject({
        type: 'record',
        record: { teachers: ['t9'], students: [] },
      });
    });

    it('refuses a section read at v3 with its teacher but without teachers: its co-teachers would be unassigned', () => {
      const v11 = { id: 'sec1', district: D, name: 'Algebra I', school: 'sc', teacher: 't9', students: [] };
      for (const readAt of ['v1.1', 'v2.0', undefined]) expect([readAt, normalizeCleverRecord('section', v11, at, readAt).type]).toEqual([readAt, 'record']);
      for (const readAt of ['v3.0', 'v3.1']) {
        expect(() => normalizeCleverRecord('section', v11, at, readAt)).toThrow(/field teachers: record has no teachers list \(Clever sends every section's teachers, \[\] for none/);
        expect(normalizeCleverRecord('section', { ...v11, teachers: [] }, at, readAt)).toMatchObject({ record: { teachers: ['t9'] } });
      }
    });

    it("refuses a student, teacher or staff role read at v3 without its schools list: the person would leave every school", () => {
      const user = (roles: Record<string, unknown>) => ({ id: 'u1', district: D, name: { first: 'Ada' }, roles });
      for (const readAt of ['v3.0', 'v3.1']) {
        expect(() => normalizeCleverRecord('user', user({ student: { school: 'sc', grade: '9' } }), at, readAt)).toThrow(
          /, id u1, field roles\.student\.schools: record has no schools list \(Clever gives every student role its schools, \[\] for none: read as none, the person would leave every school\)$/,
        );
        expect(() => normalizeCleverRecord('user', user({ teacher: { school: 'sc', schools: ['sc'] }, staff: { schools: null } }), at, readAt)).toThrow(/field roles\.staff\.schools: record has no schools list/);
        expect(normalizeCleverRecord('user', user({ student: { school: 'sc', schools: [] } }), at, readAt)).toMatchObject({ record: { roles: { student: { fields: { schools: [] } } } } });
        // a district admin's role has no schools
        expect(normalizeCleverRecord('user', user({ district_admin: { title: 'Head' } }), at, readAt).type).toBe('record');
      }
      // a record of no known version (a plain array) is read as it comes
      expect(normalizeCleverRecord('user', user({ student: { school: 'sc' } }), at).type).toBe('record');
    });

    it('refuses a section without its school or its lists, and a user, section, school or district without a name, rather than read them as none', () => {
      const refusal = (kind: RecordKind, raw: Record<string, unknown>) => {
        try {
          normalize(kind, raw);
        } catch (error) {
          return (error as Error).message.replace(/^.*?field /, 'field ');
        }
        return 'read';
      };
      const section = { id: 'sec1', district: D, name: 'Algebra I', school: 'sc', students: ['u1'], teachers: ['t1'] };
      expect(refusal('section', section)).toBe('read');
      expect(refusal('section', { ...section, students: [] })).toBe('read');
      expect(refusal('section', { ...section, students: undefined })).toBe(
        "field students: record has no students list (Clever sends every section's students, [] for none: read as none, every one of them would leave the class)",
      );
      expect(refusal('section', { ...section, students: null })).toMatch(/^field students: record has no students list/);
      expect(refusal('section', { ...section, teachers: undefined })).toMatch(/^field teachers: record has no teachers list/);
      expect(refusal('section', { ...section, school: null })).toBe('field school: record has no school (Clever gives every section its school)');
      expect(refusal('section', { ...section, school: '' })).toMatch(/^field school: record has no school/);
      const user = { id: 'u1', district: D, name: { first: 'Ada' }, roles: { student: { school: 'sc' } } };
      expect(refusal('user', user)).toBe('read');
      expect(refusal('user', { ...user, name: {} })).toBe('read');
      expect(refusal('user', { ...user, name: null })).toBe('field name: record has no name (Clever gives every user one, {} at the least)');
      expect(refusal('user', { ...user, name: undefined })).toMatch(/^field name: record has no name/);
      // a member's id is held to a record id's rule: it names the member's stream
      expect(refusal('section', { ...section, students: ['u1', 'abc def'] })).toBe(
        'field students[1]: an id with a space or a control character in it is no Clever id (Clever\'s are 24 hex digits): "abc def"',
      );
      // dropped, a member without an id would leave the class with no sign that the file named one
      expect(refusal('section', { ...section, students: ['u1', ''] })).toBe('field students[1]: a member without an id (""): Clever lists each member by its id');
      expect(refusal('section', { ...section, teachers: [null, 't1'] })).toBe('field teachers[0]: a member without an id (null): Clever lists each member by its id');
      expect(refusal('section', { ...section, teacher: null })).toBe('read');
      expect(refusal('section', { ...section, teachers: ['t'.repeat(300)] })).toMatch(/^field teachers\[0\]: an id of 300 characters is no Clever id/);
      // read as none, a missing name would erase the one the ledger holds
      expect(refusal('section', { ...section, name: undefined })).toBe('field name: record has no name (Clever gives every section one)');
      // a section's empty name is Clever's (an SFTP upload's unnamed section), recorded as none and reported
      expect(refusal('section', { ...section, name: '' })).toBe('read');
      expect(refusal('school', { id: 's', district: D, name: '' })).toBe("field name: record's name is empty (Clever gives every school one)");
      expect(refusal('district', { id: D, name: '' })).toBe("field name: record's name is empty (Clever gives every district one)");
      // Clever may leave these empty: a term's or course's name, a person's name parts (a contact's first)
      expect(refusal('term', { id: 't', district: D, name: '' })).toBe('read');
      expect(refusal('course', { id: 'c', district: D, name: '' })).toBe('read');
      expect(refusal('user', { ...user, name: { first: '', middle: '', last: 'Lovelace' } })).toBe('read');
      expect(refusal('school', { id: 's', district: D })).toBe('field name: record has no name (Clever gives every school one)');
      expect(refusal('district', { id: D, name: null })).toBe('field name: record has no name (Clever gives every district one)');
      expect(refusal('district', { id: D, name: 'Demo' })).toBe('read');
    });
  });

  describe('text that is not Unicode', () => {
    const refusal = (kind: RecordKind, raw: Record<string, unknown>) => {
      try {
        normalize(kind, raw);
      } catch (error) {
        return (error as Error).message.replace(/^.*?(id|field) /, '$1 ');
      }
      return 'read';
    };
    const LONE = 'the text holds a lone UTF-16 surrogate (a "\\ud800"-style escape without its pair): it is not valid Unicode';

    it('refuses a lone surrogate in any string of any kind, naming the record and the field; a pair (an emoji) is text', () => {
      const user = { id: 'u1', district: D, name: { first: 'Ada' }, roles: { student: { school: 'sc' } } };
      expect(refusal('user', { ...user, name: { first: 'Ada \ud800' } })).toBe(`id u1, field name.first: ${LONE}`);
      expect(refusal('user', { ...user, name: { first: '\udc00Ada' } })).toBe(`id u1, field name.first: ${LONE}`);
      expect(refusal('user', { ...user, name: { first: 'Ada \ud83d\ude00' } })).toBe('read');
      expect(refusal('user', { ...user, roles: { student: { school: 'sc', ext: { notes: ['ok', 'x\udbff'] } } } })).toBe(`id u1, field roles.student.ext.notes[1]: ${LONE}`);
      expect(refusal('user', { ...user, roles: { student: { school: 'sc', ext: { ['k\ud800']: 'v' } } } })).toBe(`id u1, field (a key of roles.student.ext): ${LONE}`);
      const section = { id: 'sec1', district: D, name: 'Algebra I', school: 'sc', students: ['u1'], teachers: ['t1'] };
      expect(refusal('section', { ...section, students: ['u1', 'u\ud800'] })).toBe(`id sec1, field students[1]: ${LONE}`);
      expect(refusal('term', { id: 't', district: D, name: 'Fall \ud800' })).toBe(`id t, field name: ${LONE}`);
      expect(refusal('district', { id: D, name: 'Demo', error: '\udfff' })).toBe(`id ${D}, field error: ${LONE}`);
      // an id is checked before it names the record: the error stays valid text
      expect(refusal('school', { id: 's\ud800', district: D, name: 'Lincoln High' })).toBe(`field id: ${LONE}`);
    });

    it('looks for one as deep as a record may nest, and leaves a record nested deeper to be refused as such, with a short path', () => {
      const user = { id: 'u1', district: D, name: { first: 'Ada' }, roles: { student: { school: 'sc' } } };
      const nested = (levels: number, inner: unknown): unknown => {
        let value = inner;
        for (let i = 0; i < levels; i++) value = [value];
        return value;
      };
      expect(refusal('user', { ...user, roles: { student: { school: 'sc', ext: { deep: nested(60, 'x\ud800') } } } })).toMatch(new RegExp(`^id u1, field roles\\.student\\.ext\\.deep(\\[0\\]){60}: the text holds a lone UTF-16 surrogate`));
      const tooDeep = refusal('user', { ...user, roles: { student: { school: 'sc', ext: { deep: nested(100_000, 'x\ud800') } } } });
      expect(tooDeep).toMatch(/objects and arrays nest more than 64 levels deep/);
      expect(tooDeep.length).toBeLessThan(1_000);
    });
  });

  describe('terms, courses and schools', () => {
    it('keeps the documented fields, and the principal as personal data', () => {
      expect(recordOf('term', { id: 't', district: D, name: 'Fall', start_date: '2024-08-01', end_date: '' }).record).toEqual({
        kind: 'term',
        id: 't',
        districtId: D,
        fields: { name: 'Fall', start_date: '2024-08-01' },
        personal: {},
      });
      expect(recordOf('course', { id: 'c', district: D, name: 'Algebra', number: 'M101' }).record.fields).toEqual({
        name: 'Algebra',
        number: 'M101',
      });
      const school = recordOf('school', { id: 's', district: D, sis_id: '7', principal: { name: 'Ms. Smith', email: 'smith@example.org' } });
      expect(school.record.fields).toEqual({ name: 'Lincoln High', sis_id: '7' });
      expect(school.record.personal).toEqual({ principal: { email: 'smith@example.org', name: 'Ms. Smith' } });
    });
  });
});
