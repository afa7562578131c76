import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InvalidInput } from '@roster-ledger/domain';
import { openSnapshotFolder, type SnapshotFolderOptions } from './index';
import { hasLoneSurrogate } from './lone-surrogates';
import { DISTRICT_ID, envelope, readFailure, readItems, removeTempFolders, tempFolder } from './spec-support/temp-snapshot';

afterEach(removeTempFolders);

const student = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  district: DISTRICT_ID,
  name: { first: 'Ada', last: 'Lovelace' },
  roles: { student: { school: 's1', schools: ['s1'], grade: '9', ...extra } },
});

// the same errors whether a file is split on this thread or on the second one
describe.each([
  ['small files, read on this thread', {}],
  ['large files, split on a second thread', { readOnThreadFrom: 0 }],
])('a snapshot that breaks a rule is rejected with InvalidInput naming where and why (%s)', (_where, where: SnapshotFolderOptions) => {
  async function failureFor(file: string, content: string | Uint8Array, options?: { maxStringLength?: number }) {
    const folder = await tempFolder({ [file]: content });
    return { error: await readFailure(folder, { ...where, ...options }), path: join(folder, file) };
  }

  it('given truncated JSON, it names the line and the last complete record', async () => {
    const json = JSON.stringify([student('u1'), student('u2'), student('u3')], null, 2);
    const cut = json.slice(0, json.indexOf('"u3"') + 10);
    const lastLine = cut.trimEnd().split('\n').length;
    const { error, path } = await failureFor('users.json', cut);
    expect(error).toBeInstanceOf(InvalidInput);
    expect(error.at).toEqual({ file: path, line: lastLine });
    expect(error.message).toContain(`${path}, line ${lastLine}: `);
    expect(error.rule).toMatch(/^invalid JSON: the file ends in the middle of the document \(truncated\?\), after record #2 \(the last complete record\): it ends (inside|where) /);
    const cutAfterComma = json.slice(0, json.indexOf('"u3"') + 5);
    expect((await failureFor('users.json', cutAfterComma)).error.rule).toMatch(/: it ends where a key in double quotes should be$/);
  });

  it('given a syntax error, it names the line where the parser stopped', async () => {
    const { error } = await failureFor('courses.json', '[\n{"id": "c1", "district": "d"},\n{"id" "c2"}\n]');
    expect(error.message).toMatch(/courses\.json, line 3: invalid JSON after record #1 \(the last complete record\), at byte offset 39: found a string where ':' after a key should be$/);
  });

  it('given a syntax error in a file of one line (as Clever writes them), it names the byte, in plain words', async () => {
    const oneLine = JSON.stringify({ data: [{ data: student('u1') }, { data: student('u2') }] });
    const at = oneLine.indexOf('"u2"');
    const broken = `${oneLine.slice(0, at)}@${oneLine.slice(at)}`;
    const { error, path } = await failureFor('users.json', broken);
    expect(error.at).toEqual({ file: path, line: 1 });
    expect(error.rule).toBe(`invalid JSON after record #1 (the last complete record), at byte offset ${at}: unexpected character "@"`);
  });

  it('given trailing garbage after the array, it says where', async () => {
    const { error } = await failureFor('users.json', `${JSON.stringify([student('u1')])}\n]`);
    expect(error.message).toMatch(/users\.json, line 2: invalid JSON after record #1/);
  });

  it.each([
    ['an object without "data"', '{"count": 1004, "links": []}', '; there is no "data" key'],
    ['"data" that is a string', '{"data": "users"}', `; the envelope's "data" must be an array of records, got a string`],
    ['"data" that is one record', JSON.stringify({ links: [], data: student('u1') }), `; the envelope's "data" must be an array of records, got an object`],
    ['"data" that is one envelope item', JSON.stringify({ data: { data: student('u1'), uri: '/v3.0/users/u1' } }), `; the envelope's "data" must be an array of records, got an object`],
    ['a bare string', '"users"', ''],
    ['an HTML error page', '<html><body>502 Bad Gateway</body></html>', ''],
  ])('given %s, it is a wrong envelope', async (_, content, detail) => {
    const { error, path } = await failureFor('users.json', content);
    expect(error).toBeInstanceOf(InvalidInput);
    expect(error.message).toBe(`${path}, line 1: expected a JSON array of records or a Clever envelope {"data": [...]}${detail}`);
  });

  it('given an array of something other than records, it names the record', async () => {
    const { error } = await failureFor('users.json', '[\n"u1"\n]');
    expect(error.message).toMatch(/users\.json, line 2, record #1: expected a record \(a JSON object\), got a string$/);
  });

  it('given an envelope item without its "data" object, it names the record', async () => {
    const { error } = await failureFor('users.json', JSON.stringify({ data: [{ data: student('u1') }, { uri: '/v3.0/users/u2' }] }));
    expect(error.message).toMatch(/users\.json, line 1, record #2: expected an envelope item \{"data": \{\.\.\.\}, "uri": "\.\.\."\}/);
  });

  it('given an envelope item whose "uri" is not text, it names the record and the field', async () => {
    const { error } = await failureFor('users.json', JSON.stringify({ data: [{ data: student('u1'), uri: '/v3.0/users/u1' }, { data: student('u2'), uri: { version: 'v3.0' } }] }));
    expect(error.message).toMatch(/users\.json, line 1, record #2, id u2, field uri: the envelope item's "uri" must be text, as Clever sends it \("\/v3\.0\/users\/<id>", which names the API version the record was read at\), got object$/);
  });

  it('given an envelope item whose "uri" names an API version past v3, it names the record and the version rather than read its fields as v3.1\'s', async () => {
    const { error } = await failureFor('users.json', JSON.stringify({ data: [{ data: student('u1'), uri: '/v4.0/users/u1' }] }));
    expect(error.message).toMatch(/users\.json, line 1, record #1, id u1, field uri: the envelope item's "uri" names API version v4\.0, which this ledger does not read/);
    // however the uri writes it
    const whole = await failureFor('users.json', JSON.stringify({ data: [{ data: student('u1'), uri: 'https://api.clever.com/v4/users/u1' }] }));
    expect(whole.error.message).toMatch(/field uri: the envelope item's "uri" names API version v4\.0/);
  });

  it('given a record without id, it names the record', async () => {
    const { error, path } = await failureFor('users.json', envelope([student('u1'), { ...student(''), id: null }]));
    expect(error.at).toEqual({ file: path, line: 1, record: 1, field: 'id' });
    expect(error.message).toBe(`${path}, line 1, record #2, field id: record has no id`);
  });

  it('given an id with a space or a control character in it, or one of thousands of characters, it refuses it as no Clever id', async () => {
    const spaced = await failureFor('users.json', envelope([student('u1'), student('../x y\n')]));
    expect(spaced.error.message).toBe(
      `${spaced.path}, line 1, record #2, field id: an id with a space or a control character in it is no Clever id (Clever's are 24 hex digits): "../x y\\n"`,
    );
    const escape = await failureFor('users.json', envelope([student('u1\u001b[31m')]));
    expect(escape.error.rule).toMatch(/^an id with a space or a control character in it is no Clever id/);
    const long = await failureFor('users.json', envelope([student('a'.repeat(5000))]));
    expect(long.error.message).toBe(`${long.path}, line 1, record #1, field id: an id of 5,000 characters is no Clever id (Clever's are 24 hex digits; at most 255 are taken)`);
  });

  it('given a lone UTF-16 surrogate escape in a string (valid to JSON.parse, not Unicode), it names the record, its id and the field', async () => {
    // JSON.stringify writes a lone surrogate as its escape: the file holds "Ada \ud800", as a broken export would
    const content = envelope([student('u1'), { ...student('u2'), name: { first: 'Ada \ud800', last: 'Lovelace' } }]);
    expect(content).toContain('"Ada \\ud800"');
    const { error, path } = await failureFor('users.json', content);
    expect(error.at).toEqual({ file: path, line: 1, record: 1, recordId: 'u2', field: 'name.first' });
    expect(error.message).toBe(`${path}, line 1, record #2, id u2, field name.first: the text holds a lone UTF-16 surrogate (a "\\ud800"-style escape without its pair): it is not valid Unicode`);
    // a pair is one character (an emoji), and taken
    expect(await readItems(await tempFolder({ 'users.json': content.replace('\\ud800', '\\ud83d\\ude00') }), where)).toHaveLength(2);
  });

  it('given a problem found while a record is parsed, it names the record by its id only when that could be a Clever id, so that the error is text', async () => {
    const long = 'x'.repeat(200);
    for (const id of ['u\ud800', 'u1\u001b[31m']) {
      const { error, path } = await failureFor('users.json', JSON.stringify([{ id, district: DISTRICT_ID, name: { first: long } }]), { maxStringLength: 100 });
      expect(error.at).toEqual({ file: path, line: 1, record: 0, field: 'name.first' });
      expect(hasLoneSurrogate(error.message) || error.message.includes('\u001b')).toBe(false);
    }
    const fine = await failureFor('users.json', JSON.stringify([{ id: 'u1', district: DISTRICT_ID, name: { first: long } }]), { maxStringLength: 100 });
    expect(fine.error.at).toMatchObject({ recordId: 'u1', field: 'name.first' });
  });

  it('given a record without district, it names the record and its id', async () => {
    const { error } = await failureFor('sections.json', JSON.stringify([{ id: 'sec1', name: 'Math' }]));
    expect(error.message).toMatch(/sections\.json, line 1, record #1, id sec1, field district: record has no district$/);
  });

  it('given two different records with the same id in one file, it names both', async () => {
    const { error } = await failureFor('users.json', envelope([student('u1'), student('u2'), student('u1', { grade: '10' })]));
    expect(error.at).toMatchObject({ record: 2, recordId: 'u1', field: 'id' });
    expect(error.message).toMatch(/users\.json, line 1, record #3, id u1, field id: duplicate id: records #1 and #3 both have id u1 and their bytes differ \(a copy is taken once only when byte for byte the same: keys in another order are other bytes\) \(a users\.json made by joining the pages of role queries, .*lists each person once\)$/);
  });

  it('given a gzip-compressed or UTF-16 file, it says what the file is and what to do, rather than name a byte that is not UTF-8', async () => {
    const text = envelope([student('u1'), student('u2')]);
    const gzipped = await failureFor('users.json', gzipSync(text));
    expect(gzipped.error.at).toEqual({ file: gzipped.path });
    expect(gzipped.error.message).toBe(`${gzipped.path}: file is gzip-compressed: decompress it first (e.g. mv users.json users.json.gz && gunzip users.json.gz)`);
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const bom = 'file is UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8';
    expect((await failureFor('users.json', utf16le)).error.message).toMatch(new RegExp(`users\\.json: ${escape(bom)}$`));
    const utf16be = Buffer.from(utf16le).swap16();
    expect(utf16be.subarray(0, 2)).toEqual(Buffer.from([0xfe, 0xff]));
    expect((await failureFor('users.json', utf16be)).error.rule).toBe(bom);
    // without a byte-order mark, each ASCII character has a NUL byte beside it
    expect((await failureFor('users.json', Buffer.from(text, 'utf16le'))).error.rule).toBe('file is UTF-16 text (a NUL byte beside each of its first characters): save it as UTF-8');
    expect((await failureFor('users.json', Buffer.from(text, 'utf16le').swap16())).error.rule).toMatch(/^file is UTF-16 text/);
  });

  it('given a copy of a record, then bytes that are not UTF-8, it names the bytes, not the copy', async () => {
    const bytes = Buffer.from(envelope([student('u1'), student('u2'), student('u1'), student('u3', { grade: 'LATIN1' })]), 'utf8');
    bytes[bytes.indexOf('LATIN1')] = 0xe9; // a Latin-1 é
    const { error } = await failureFor('users.json', bytes);
    expect(error.message).not.toMatch(/duplicate id/);
    expect(error.message).toMatch(/UTF-8/);
  });

  it('given the same record twice byte for byte (role queries joined), it takes it once and counts the copy as skipped', async () => {
    const teacher = { id: 't1', district: DISTRICT_ID, name: { first: 'Grace', last: 'Hopper' }, roles: { teacher: { school: 's1', schools: ['s1'] }, staff: { schools: ['s1'] } } };
    const folder = await tempFolder({ 'users.json': envelope([teacher, student('u1'), teacher]) });
    const items = await readItems(folder, where);
    expect(items.filter((i) => i.type === 'record').map((i) => i.type === 'record' && i.record.id)).toEqual(['t1', 'u1']);
    expect(items.filter((i) => i.type === 'skipped')).toEqual([
      { type: 'skipped', reason: 'duplicate record (users.json)', origin: expect.objectContaining({ record: 2, recordId: 't1' }) },
    ]);
  });

  it.each([
    ['a number where Clever sends a string', { sis_id: 101565758 }, 'roles.student.sis_id', 'expected a string, got number'],
    ['a school list that is not an array', { schools: 's1' }, 'roles.student.schools', 'expected an array of strings, got string'],
    ['a school id that is not a string', { schools: ['s1', 7] }, 'roles.student.schools[1]', 'expected a string, got number'],
    ['a location that is not an object', { location: '1 Main St' }, 'roles.student.location', 'expected an object, got string'],
  ])('given %s, it names the field and the rule', async (_, extra, field, rule) => {
    const { error } = await failureFor('users.json', envelope([student('u1', extra)]));
    expect(error.at).toMatchObject({ record: 0, recordId: 'u1', field });
    expect(error.message).toMatch(new RegExp(`users\\.json, line 1, record #1, id u1, field ${field.replace(/[[\]]/g, '\\$&')}: ${rule}$`));
  });

  it('given a first name that is not a string, it names name.first', async () => {
    const { error } = await failureFor('users.json', envelope([{ ...student('u1'), name: { first: 42 } }]));
    expect(error.message).toMatch(/record #1, id u1, field name\.first: expected a string, got number$/);
  });

  it('given roles that are not an object, it says so', async () => {
    const { error } = await failureFor('users.json', envelope([{ ...student('u1'), roles: ['student'] }]));
    expect(error.message).toMatch(/id u1, field roles: expected an object, got array$/);
  });

  it('given a user with no known role, it says the user has no role', async () => {
    const { error } = await failureFor('users.json', envelope([{ ...student('u1'), roles: { parent: {} } }]));
    expect(error.message).toMatch(/users\.json, line 1, record #1, id u1, field roles: user has no role: expected one of .* \(or contact\); it holds only "parent", no role Clever gives$/);
  });

  it.each([
    ['0 bytes', ''],
    ['whitespace only', ' \n\t\r\n  '],
  ])('given an empty file (%s), it says the file is empty', async (_, content) => {
    const { error, path } = await failureFor('schools.json', content);
    expect(error.message).toBe(`${path}: file is empty`);
  });

  it('given a 5 MB string, it stops reading it and names the record, field and limit', async () => {
    const huge = 'x'.repeat(5 * 1024 * 1024);
    const content = JSON.stringify([student('u1'), { id: 'u2', district: DISTRICT_ID, name: { first: 'Bo', last: huge } }]);
    const { error, path } = await failureFor('users.json', content);
    expect(error.at).toMatchObject({ file: path, line: 1, record: 1, recordId: 'u2', field: 'name.last' });
    expect(error.rule).toMatch(
      /^text value is too long: more than 65,536 characters \(stopped reading it at [\d,]+\); the limit is 65,536 characters$/,
    );
  });

  it('given a string longer than a custom limit, it names its length', async () => {
    const content = JSON.stringify([{ id: 'sec1', district: DISTRICT_ID, name: 'y'.repeat(200) }]);
    const { error } = await failureFor('sections.json', content, { maxStringLength: 100 });
    expect(error.message).toMatch(
      /sections\.json, line 1, record #1, id sec1, field name: text value is too long: 200 characters; the limit is 100 characters$/,
    );
  });

  it('given bytes that are not UTF-8, it names the file, the line, the record, its id, the field and the byte offset', async () => {
    const before = Buffer.from('[\n{"id": "s0", "district": "d", "name": "Lyc\u00e9e"},\n{"name": "Ecole ');
    const latin1 = Buffer.from([0xe9]); // "é" in Latin-1
    // Clever sends "name" before "id": the id is read past the bad byte.
    const after = Buffer.from('", "id": "s1", "district": "d"}\n]');
    const { error, path } = await failureFor('schools.json', Buffer.concat([before, latin1, after]));
    expect(error.at).toEqual({ file: path, line: 3, record: 1, recordId: 's1', field: 'name' });
    expect(error.message).toBe(
      `${path}, line 3, record #2, id s1, field name: file is not valid UTF-8: byte 0xE9 at byte offset ${before.length} is not UTF-8 text (save the file as UTF-8)`,
    );
  });

  it('given bytes that are not UTF-8 in a one-line envelope, it names the record, its id and the field', async () => {
    const users = [student('u1'), { ...student('u2'), name: { first: 'Ren\u00e9', last: 'Lovelace' } }, student('u3')];
    const text = Buffer.from(envelope(users));
    const at = text.indexOf(Buffer.from('Ren\u00e9')) + 3;
    // "é" in UTF-8 is C3 A9: C3 alone, then a quote, is not UTF-8.
    const bytes = Buffer.concat([text.subarray(0, at), Buffer.from([0xc3]), text.subarray(at + 2)]);
    const { error, path } = await failureFor('users.json', bytes);
    expect(error.message).toBe(
      `${path}, line 1, record #2, id u2, field name.first: file is not valid UTF-8: byte 0xC3 at byte offset ${at} is not UTF-8 text (save the file as UTF-8)`,
    );
  });

  it('given a districts.json without the district the other files belong to, it names the record, the district and districts.json', async () => {
    const folder = await tempFolder({
      'districts.json': '{"data": []}',
      'schools.json': envelope([{ id: 's1', district: DISTRICT_ID, name: 'Lincoln High' }], 'schools'),
      'users.json': envelope([student('u1')]),
    });
    const seen: string[] = [];
    const snapshot = await openSnapshotFolder(folder, where);
    const error = await (async () => {
      for await (const item of snapshot.items()) if (item.type === 'record') seen.push(item.record.id);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).message).toBe(
      `${join(folder, 'schools.json')}, line 1, record #1, id s1, field district: district ${DISTRICT_ID} is not in districts.json (it lists no district): a snapshot that has a districts.json must list the district of its records there`,
    );
    // The record comes first, so that the caller knows which district the failed sync is about.
    expect(seen).toEqual(['s1']);
  });

  it('given no districts.json, it reads the records of any district the other files name', async () => {
    const folder = await tempFolder({ 'users.json': envelope([student('u1')]) });
    await expect(readItems(folder, where)).resolves.toHaveLength(1);
  });

  it('given a folder that does not exist, it says so', async () => {
    const missing = join(await tempFolder(), 'nope');
    await expect(openSnapshotFolder(missing)).rejects.toThrow(new InvalidInput('snapshot folder not found', { file: missing }));
  });

  it('given a folder named as a snapshot file (users.json/), it says so rather than read the snapshot without users', async () => {
    const folder = await tempFolder({ 'schools.json': envelope([]) });
    await mkdir(join(folder, 'users.json'));
    await expect(openSnapshotFolder(folder)).rejects.toThrow(
      new InvalidInput("users.json is a folder, not a file: expected the snapshot's user records as JSON there", { file: join(folder, 'users.json') }),
    );
  });

  it('given a device as a snapshot file (a link to /dev/zero), it says so rather than read it for ever', async () => {
    const folder = await tempFolder({ 'users.json': envelope([student('u1')]) });
    await symlink('/dev/zero', join(folder, 'sections.json'));
    await expect(openSnapshotFolder(folder)).rejects.toThrow(
      new InvalidInput("sections.json is no file (a device or a socket): expected the snapshot's section records as JSON there, in a file", { file: join(folder, 'sections.json') }),
    );
  });

  it('reads a named pipe as it is written: a large file streamed in as it is unpacked', async () => {
    const folder = await tempFolder();
    execFileSync('mkfifo', [join(folder, 'users.json')]);
    const writing = writeFile(join(folder, 'users.json'), envelope([student('u1'), student('u2')]));
    const items = await readItems(folder);
    await writing;
    expect(items.map((item) => item.origin.recordId)).toEqual(['u1', 'u2']);
  });

  it('given a snapshot file that is a link to nothing, it says so rather than read the snapshot without its sections', async () => {
    const folder = await tempFolder({ 'users.json': envelope([student('u1')]) });
    await symlink('/mnt/gone/sections.json', join(folder, 'sections.json'));
    await expect(openSnapshotFolder(folder)).rejects.toThrow(
      new InvalidInput("sections.json is a link to /mnt/gone/sections.json, which cannot be read (it is not there): expected the snapshot's section records as JSON there", { file: join(folder, 'sections.json') }),
    );
  });

  it('given a folder without any snapshot file, it names the files it expects', async () => {
    const folder = await tempFolder({ 'students.csv': 'id\n1\n' });
    const error = await openSnapshotFolder(folder, where).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).message).toBe(
      `${folder}: no snapshot files in the folder: expected at least one of districts.json, schools.json, terms.json, courses.json, users.json, sections.json`,
    );
  });

  it('yields the records before the problem, then stops', async () => {
    const folder = await tempFolder({ 'users.json': envelope([student('u1'), student('u2'), { ...student('u3'), id: 3 }]) });
    const seen: string[] = [];
    const snapshot = await openSnapshotFolder(folder, where);
    await expect(
      (async () => {
        for await (const item of snapshot.items()) if (item.type === 'record') seen.push(item.record.id);
      })(),
    ).rejects.toThrow(/, line 1, record #3, field id: expected the id as a non-empty string, got number 3$/);
    expect(seen).toEqual(['u1', 'u2']);
  });

  it('shows a numeric id as the file has it, and none that the parser rounded', async () => {
    const failure = async (id: string) =>
      (await readFailure(await tempFolder({ 'users.json': `{"data":[{"data":${JSON.stringify(student('u1')).replace('"id":"u1"', `"id":${id}`)}}]}` }), where)).message;
    expect(await failure('12345')).toMatch(/field id: expected the id as a non-empty string, got number 12345$/);
    expect(await failure('12345678901234567890')).toMatch(/field id: expected the id as a non-empty string, got number$/);
  });

  it('reads a file that is fixed after a failure', async () => {
    const folder = await tempFolder({ 'users.json': '[' });
    await expect(readItems(folder, where)).rejects.toBeInstanceOf(InvalidInput);
    await writeFile(join(folder, 'users.json'), envelope([student('u1')]));
    await expect(readItems(folder, where)).resolves.toHaveLength(1);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
