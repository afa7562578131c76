import { createHash, createHmac } from 'node:crypto';
import type { SectionRecord, UserRecord } from '@roster-ledger/domain';
import { CSV_DISTRICT, csv, readCsvItems, removeTempCsvFolders, smallDistrict, tempCsvFolder } from './spec-support/temp-csv';

/** The id rule exactly as the README states it, computed here by hand (not by csv-ids). */
const documented = (district: string, ns: string, key: string) =>
  `sis-${ns}-${createHash('sha256').update(Buffer.from(JSON.stringify([district, ns, key]), 'utf8')).digest('hex').slice(0, 24)}`;

describe('ids of CSV-fed records, by the rule the README documents', () => {
  afterAll(removeTempCsvFolders);

  it('gives students, teachers, schools, sections, terms and courses the documented ids; a staff member who is a teacher keeps the teacher id', async () => {
    const folder = await tempCsvFolder({
      ...smallDistrict(),
      'staff.csv': csv('School_id,Staff_id,Staff_email,Last_name,First_name', 'S1,ST9,EMMY@example.org,Noether,Emmy', 'S2,ST7,ada.admin@example.org,Byron,Ada'),
    });
    const records = (await readCsvItems(folder)).flatMap((item) => (item.type === 'record' ? [item.record] : []));
    const ids = (kind: string) => records.filter((r) => r.kind === kind).map((r) => r.id);
    const user = (sis: string) => records.find((r): r is UserRecord => r.kind === 'user' && Object.values(r.roles).some((role) => role?.personal['sis_id'] === sis || role?.personal['staff_id'] === sis));

    expect(user('100')?.id).toBe(documented(CSV_DISTRICT, 'student', '100'));
    expect(user('T1')?.id).toBe(documented(CSV_DISTRICT, 'teacher', 'T1'));
    expect(user('T1')?.roles.staff).toBeDefined();
    expect(ids('user')).not.toContain(documented(CSV_DISTRICT, 'staff', 'ST9'));
    expect(user('ST7')?.id).toBe(documented(CSV_DISTRICT, 'staff', 'ST7'));
    expect(ids('school')).toEqual(expect.arrayContaining([documented(CSV_DISTRICT, 'school', 'S1')]));
    expect(ids('section')).toEqual(expect.arrayContaining([documented(CSV_DISTRICT, 'section', 'SEC1')]));
    // Term_start 8/1/15 and Term_end 6/1/16 as ISO dates
    expect(ids('term')).toEqual([documented(CSV_DISTRICT, 'term', JSON.stringify(['Y1', '2015-08-01', '2016-06-01']))]);
    expect(ids('course')).toEqual([documented(CSV_DISTRICT, 'course', JSON.stringify(['Algebra', 'MA101']))]);
    const sec1 = records.find((r): r is SectionRecord => r.kind === 'section' && r.id === documented(CSV_DISTRICT, 'section', 'SEC1'))!;
    expect(sec1.fields['term_id']).toBe(ids('term')[0]);
    // the README's worked example
    expect(documented('d1', 'student', '100')).toMatch(/^sis-student-[0-9a-f]{24}$/);
  });
  it("derives every id under the ledger's key when it has one: an HMAC-SHA256 that no one without the key can match to a SIS id", async () => {
    const folder = await tempCsvFolder(smallDistrict());
    const idsUnder = async (idKey?: Uint8Array) =>
      (await readCsvItems(folder, { districtId: CSV_DISTRICT, importedOn: '2026-03-01', ...(idKey === undefined ? {} : { idKey }) })).flatMap((item) => (item.type === 'record' ? [item.record.id] : []));
    const key = Buffer.alloc(32, 7);
    const keyed = (ns: string, sis: string) => `sis-${ns}-${createHmac('sha256', key).update(JSON.stringify([CSV_DISTRICT, ns, sis])).digest('hex').slice(0, 24)}`;
    const underKey = await idsUnder(key);
    expect(underKey).toEqual(expect.arrayContaining([keyed('student', '100'), keyed('teacher', 'T1'), keyed('school', 'S1'), keyed('section', 'SEC1')]));
    // the same files, the same key: the same ids; another key, or none, gives other ids throughout
    expect(await idsUnder(Buffer.from(key))).toEqual(underKey);
    const unkeyed = await idsUnder();
    const otherKey = await idsUnder(Buffer.alloc(32, 8));
    expect(unkeyed).toContain(documented(CSV_DISTRICT, 'student', '100'));
    for (const other of [unkeyed, otherKey]) expect(other.filter((id) => underKey.includes(id))).toEqual([]);
  });

  it('gives a term saved by a spreadsheet with a time of day after its dates the id of the same term written as dates', async () => {
    const district = smallDistrict();
    const termIds = async (files: Record<string, string>) =>
      (await readCsvItems(await tempCsvFolder(files))).flatMap((item) => (item.type === 'record' && item.record.kind === 'term' ? [item.record] : []));
    const asDates = await termIds(district);
    const withTimes = await termIds({ ...district, 'sections.csv': district['sections.csv']!.replaceAll('8/1/15', '8/1/2015 0:00').replaceAll('6/1/16', '2016-06-01 00:00:00') });
    expect(district['sections.csv']).toContain('8/1/15');
    expect(withTimes.map((t) => [t.id, t.fields])).toEqual(asDates.map((t) => [t.id, t.fields]));
  });
});
