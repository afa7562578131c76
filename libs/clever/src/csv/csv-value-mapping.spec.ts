import { csvDateOfBirth, csvIsoDate } from './csv-dates';
import { courseKey, csvRecordId, termKey } from './csv-ids';
import { mapFrlStatus, mapGender, mapGrade, mapHomeLanguage, mapRace, mapSubject, mapYesNo } from './csv-value-mapping';

describe('CSV values become the values Clever\'s API shows', () => {
  it.each([
    ['M', 'M'], ['m', 'M'], ['Male', 'M'], ['male', 'M'], ['MALE', 'M'],
    ['F', 'F'], ['f', 'F'], ['Female', 'F'], ['female', 'F'],
    ['X', 'X'], ['x', 'X'],
    ['', ''], ['Unknown', 'Unknown'], ['nonbinary', 'nonbinary'],
  ])('gender %j -> %j', (raw, api) => expect(mapGender(raw)).toBe(api));

  it.each([
    ['A', 'Asian'], ['a', 'Asian'], ['Asian', 'Asian'],
    ['B', 'Black or African American'], ['Black', 'Black or African American'],
    ['I', 'American Indian'], ['American Indian or Alaska Native', 'American Indian'],
    ['M', 'Two or More Races'], ['Multiracial', 'Two or More Races'],
    ['P', 'Hawaiian or Other Pacific Islander'], ['Native Hawaiian or Other Pacific Islander', 'Hawaiian or Other Pacific Islander'],
    ['W', 'Caucasian'], ['White', 'Caucasian'], ['caucasian', 'Caucasian'],
    ['Unknown', 'Unknown'], ['', ''], ['H', 'H'],
  ])('race %j -> %j', (raw, api) => expect(mapRace(raw)).toBe(api));

  it.each([
    ['Y', 'Y'], ['y', 'Y'], ['Yes', 'Y'], ['TRUE', 'Y'], ['true', 'Y'],
    ['N', 'N'], ['no', 'N'], ['False', 'N'],
    ['', ''], ['maybe', 'maybe'],
  ])('Hispanic_Latino / Ell_status / IEP_status %j -> %j', (raw, api) => expect(mapYesNo(raw)).toBe(api));

  it.each([
    ['F', 'Free'], ['Free', 'Free'], ['R', 'Reduced'], ['reduced', 'Reduced'], ['N', 'Paid'], ['P', 'Paid'], ['Paid', 'Paid'], ['Other', 'Other'], ['Z', 'Z'],
  ])('Frl_status %j -> %j', (raw, api) => expect(mapFrlStatus(raw)).toBe(api));

  it.each([
    ['0', 'Kindergarten'], ['00', 'Kindergarten'], ['K', 'Kindergarten'], ['KG', 'Kindergarten'], ['kindergarten', 'Kindergarten'],
    ['PK', 'PreKindergarten'], ['Pre-K', 'PreKindergarten'], ['PreKindergarten', 'PreKindergarten'],
    ['TK', 'TransitionalKindergarten'], ['InfantToddler', 'InfantToddler'], ['preschool', 'Preschool'],
    ['1', '1'], ['01', '1'], ['9', '9'], ['09', '9'], ['12', '12'], ['13', '13'],
    ['PostGraduate', 'PostGraduate'], ['Ungraded', 'Ungraded'], ['other', 'Other'],
    ['14', '14'], ['-1', '-1'], ['K5', 'K5'], ['', ''],
  ])('grade %j -> %j', (raw, api) => expect(mapGrade(raw)).toBe(api));

  it.each([
    ['Math', 'math'], ['English/Language Arts', 'english/language arts'], ['PE and Health', 'PE and health'], ['other', 'other'], ['Chemistry', 'Chemistry'],
  ])('subject %j -> %j', (raw, api) => expect(mapSubject(raw)).toBe(api));

  it.each([
    ['Spanish', 'Spanish'], ['spanish', 'Spanish'], ['SPANISH', 'Spanish'], ['vietnamese', 'Vietnamese'], ['english', 'English'],
    ['', ''], ['Klingon', 'Klingon'], ['spa', 'spa'],
  ])('Home_language %j -> %j', (raw, api) => expect(mapHomeLanguage(raw)).toBe(api));
});

describe('dates', () => {
  it.each([
    ['6/18/1998', '1998-06-18'],
    ['06/18/1998', '1998-06-18'],
    ['1998-06-18', '1998-06-18'],
    ['11/1/98', '1998-11-01'],
    ['8/1/15', '2015-08-01'],
    ['2/29/2004', '2004-02-29'],
    // a spreadsheet that saved the date with its time of day: the same day
    ['8/1/2015 0:00', '2015-08-01'],
    ['08/01/2015 12:00 AM', '2015-08-01'],
    ['2015-08-01 00:00:00', '2015-08-01'],
    ['2015-08-01T00:00:00.000Z', '2015-08-01'],
  ])('%j -> %j', (raw, iso) => expect(csvIsoDate(raw, 2026)).toBe(iso));

  it.each([['02/29/2005'], ['13/1/2001'], ['2001-13-01'], ['June 18 1998'], ['6/18/198'], [''], ['6/18/1998 noon'], ['0:00']])('%j does not parse', (raw) => {
    expect(csvIsoDate(raw, 2026)).toBeUndefined();
  });

  it.each([
    ['8/1/15', 2026, '2015-08-01'],
    ['8/1/30', 2029, '2030-08-01'],
    ['8/1/30', 2026, '2030-08-01'],
    ['6/1/31', 2030, '2031-06-01'],
    ['1/1/98', 2026, '1998-01-01'],
    ['1/1/99', 2000, '1999-01-01'],
    ['1/1/00', 2099, '2100-01-01'],
    ['1/1/75', 2026, '2075-01-01'],
    // exactly 50 years away either side: the past
    ['1/1/76', 2026, '1976-01-01'],
    ['1/1/30', 2080, '2030-01-01'],
    ['1/1/29', 2080, '2129-01-01'],
  ])('a two-digit year of a term is the nearest to the import\'s: %j imported in %d -> %j', (raw, importYear, iso) => expect(csvIsoDate(raw, importYear)).toBe(iso));

  it('a two-digit year of a term read with no import year has no century: undefined, kept raw', () => {
    expect(csvIsoDate('8/1/15', undefined)).toBeUndefined();
    expect(csvIsoDate('8/1/2015', undefined)).toBe('2015-08-01');
  });

  it.each([
    ['1/2/29', 2026, '1929-01-02'],
    ['1/2/27', 2026, '1927-01-02'],
    ['1/2/26', 2026, '2026-01-02'],
    ['11/1/98', 2026, '1998-11-01'],
    ['12/10/05', 2026, '2005-12-10'],
    ['1/2/29', 2029, '2029-01-02'],
    ['1/2/29', 2030, '2029-01-02'],
    ['11/1/98', 2015, '1998-11-01'],
    ['1/2/00', 2000, '2000-01-02'],
    ['1/2/01', 2000, '1901-01-02'],
  ])('a two-digit year of birth is never after the import: %j imported in %d -> %j', (raw, importYear, iso) => {
    expect(csvDateOfBirth(raw, importYear)).toBe(iso);
  });

  it('a two-digit year of birth read with no import year has no century: undefined, kept raw', () => {
    expect(csvDateOfBirth('11/1/98', undefined)).toBeUndefined();
    expect(csvDateOfBirth('11/1/1998', undefined)).toBe('1998-11-01');
  });

  it.each([['6/18/1998'], ['2015-08-01'], ['02/29/2005'], ['8/1/2015 0:00'], ['']])('a date of birth with a four-digit year reads as any CSV date: %j', (raw) => {
    expect(csvDateOfBirth(raw, 2026)).toBe(csvIsoDate(raw, 2026));
  });
});

describe('derived record ids', () => {
  it('look like sis-<namespace>-<24 hex>, never like a Clever ObjectID', () => {
    const id = csvRecordId('5a0c91b95c7cc000010d417c', 'student', '101565758');
    expect(id).toMatch(/^sis-student-[0-9a-f]{24}$/);
    expect(id).not.toMatch(/^[0-9a-f]{24}$/);
  });

  it('depend on the district, the namespace and the key only', () => {
    expect(csvRecordId('d1', 'student', '47')).toBe(csvRecordId('d1', 'student', '47'));
    // Student_id 47 and Teacher_id 47 are two people: the hashes differ, not only the prefixes.
    expect(csvRecordId('d1', 'student', '47').slice(-24)).not.toBe(csvRecordId('d1', 'teacher', '47').slice(-24));
    expect(csvRecordId('d1', 'student', '47')).not.toBe(csvRecordId('d2', 'student', '47'));
    // No concatenation ambiguity: ("d1", "x|y") and ("d1x", "y") are different inputs.
    expect(csvRecordId('d', 'school', '1x')).not.toBe(csvRecordId('d1', 'school', 'x'));
  });

  it('of terms and courses come from their values', () => {
    expect(termKey('Y1', '2015-08-01', '2016-06-01')).not.toBe(termKey('Y1', '2015-08-01', '2016-06-02'));
    expect(courseKey('Algebra', '101')).not.toBe(courseKey('Algebra 101', ''));
  });
});
