import { InvalidInput } from '@roster-ledger/domain';
import type { InputLocation } from '@roster-ledger/domain';
import type { JsonRecord } from './json-envelope-parser';
import type { SplitRecord } from './json-record-splitter';
import { JsonRecordSplitter } from './json-record-splitter';
import { DEFAULT_MAX_STRING_LENGTH, readJsonRecords, readJsonRecordsPrecisely } from './json-record-stream';
import { seededRandom } from '@roster-ledger/testing';

/** Records written by hand: escapes, brackets inside strings, multi-byte characters, nested "data" keys. */
const RECORD_TEXTS = [
  String.raw`{"id": "a\"1", "name": {"first": "Zo\u00eb", "last": "Łukasiewicz 漢字 🎓"},
   "note": "back\\slash \\\" {[}] ]} \\\\", "data": {"data": "nested", "uri": "x"},
   "esc": "\u00e9\ud83c\udf93\n\t\u0000\/\b\f\r", "lone": "\udc00\ud800", "n": -12.5e-3, "big": 1E+21, "zero": 0,
   "t": true, "f": false, "z": null, "empty": {}, "list": [ ], "deep": [[{"a": [1, {"b": "}"}]}]]}`,
  String.raw`{"id":"b","data":[{"data":{"x":"\""}}],"key with \"quote\"":"\\","uri":"/v3.0/users/b","é":"ü"}`,
  String.raw`	{ "id" : "c" , "roles" : { "student" : { "schools" : [ "s1" , "s2" ] } } }`,
  String.raw`{"id": "d", "__proto__": {"polluted": true}, "dup": 1, "dup": 2}`,
];

const ARRAY = `[\n${RECORD_TEXTS.join(',\n')}\r\n]\n`;
const LIST = [
  String.raw`{"links": [{"rel": "self", "uri": "/v3.0/users?q=\"[{\""}], "count": 4, "d\u0061ta": [`,
  RECORD_TEXTS.map((text, i) => (i % 2 === 0 ? `{"data": ${text}, "uri": "/u${i}"}` : `{"uri": "/u${i}",\n"data": ${text}}`)).join(',\n'),
  String.raw`], "more": {"data": [1, "]"]}, "empty": "", "n": -0}`,
].join('');
const DOCUMENTS: [string, string, unknown[]][] = [
  ['a plain array', ARRAY, JSON.parse(ARRAY) as unknown[]],
  ['the list envelope, "data" not first', LIST, (JSON.parse(LIST) as { data: { data: unknown }[] }).data.map((item) => item.data)],
];

const options = (maxStringLength = DEFAULT_MAX_STRING_LENGTH) => ({ file: 'users.json', maxStringLength });

function* chunksOf(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function* asyncChunks(chunks: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

/** The splitter alone: its records, and whether it read the whole file without giving up. */
function split(chunks: Iterable<Uint8Array>, maxStringLength = DEFAULT_MAX_STRING_LENGTH) {
  const splitter = new JsonRecordSplitter({ maxStringLength });
  const records: JsonRecord[] = [];
  let accepted = true;
  for (const chunk of chunks) {
    accepted = splitter.write(chunk);
    records.push(...parsed(splitter.take()));
    if (!accepted) break;
  }
  return { records, accepted: accepted && splitter.end() };
}

/** Records a splitter without `raw` hands over: parsed, every one. */
function parsed(records: SplitRecord[]): JsonRecord[] {
  return records.map((record) => {
    if (!('value' in record)) throw new Error(`record #${record.index + 1} was not parsed`);
    return record;
  });
}

interface Outcome {
  records: JsonRecord[];
  error?: { message: string; at: InputLocation };
}

async function outcome(records: AsyncIterable<SplitRecord>): Promise<Outcome> {
  const read: JsonRecord[] = [];
  try {
    for await (const record of records) read.push(...parsed([record]));
    return { records: read };
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    return { records: read, error: { message: error.message, at: error.at } };
  }
}

/** What readJsonRecords yields and throws, and how many times it opened the source. */
async function fast(bytes: Uint8Array, size: number, maxStringLength?: number) {
  let openings = 0;
  const open = () => {
    openings += 1;
    return asyncChunks(chunksOf(bytes, size));
  };
  const result = await outcome(readJsonRecords(open, options(maxStringLength)));
  return { ...result, openings };
}

/** What EnvelopeParser alone yields and throws. */
function precise(bytes: Uint8Array, size: number, maxStringLength?: number): Promise<Outcome> {
  return outcome(readJsonRecordsPrecisely(asyncChunks(chunksOf(bytes, size)), options(maxStringLength)));
}

/** Both readers agree on the records (values, indexes, lines) and on the error. */
async function expectSameOutcome(bytes: Uint8Array, size: number, maxStringLength?: number): Promise<Outcome> {
  const expected = await precise(bytes, size, maxStringLength);
  const { openings, ...actual } = await fast(bytes, size, maxStringLength);
  expect(actual).toEqual(expected);
  expect(openings).toBe(expected.error === undefined ? 1 : 2);
  return actual;
}


describe('JsonRecordSplitter', () => {
  describe.each(DOCUMENTS)('given %s', (_, text, values) => {
    const bytes = Buffer.from(text);

    it('finds the records JSON.parse finds in the whole file, with the indexes and lines EnvelopeParser gives them', async () => {
      const { records } = await precise(bytes, bytes.length);
      expect(records.map((record) => record.value)).toEqual(values);
      expect(records.map((record) => record.index)).toEqual(values.map((__, index) => index));
      expect(split([bytes])).toEqual({ records, accepted: true });
      // JSON.parse and EnvelopeParser both keep "__proto__" as a property of its own.
      for (const { value } of records) expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    });

    it('finds the same records whatever byte the file is cut at', async () => {
      const { records } = await precise(bytes, bytes.length);
      for (let cut = 0; cut <= bytes.length; cut += 1) {
        expect([cut, split([bytes.subarray(0, cut), bytes.subarray(cut)])]).toEqual([cut, { records, accepted: true }]);
      }
    });

    it.each([1, 2, 3, 5])('finds the same records in chunks of %i bytes', async (size) => {
      const { records } = await precise(bytes, bytes.length);
      expect(split(chunksOf(bytes, size))).toEqual({ records, accepted: true });
      await expectSameOutcome(bytes, size);
    });

    it('agrees with EnvelopeParser on every truncation of the file', async () => {
      for (let length = 0; length < bytes.length; length += 1) {
        const cut = bytes.subarray(0, length);
        for (const size of [3, 64]) {
          const { error } = await expectSameOutcome(cut, size);
          if (length < bytes.length - 2) expect(error).toBeDefined();
        }
      }
    });
  });

  it('reads random documents as JSON.parse of the whole file does, with the lines EnvelopeParser gives', async () => {
    const next = seededRandom(99);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const pieces = ['a', 'Z', ' ', '"', '\\', '{', '}', '[', ']', ',', ':', '\n', '\u0000', '\u001f', 'é', '漢', '🎓', '\ud800', 'data', '\uFEFF'];
    const text = () => Array.from({ length: Math.floor(next() * 6) }, () => pick(pieces)).join('');
    const value = (depth: number): unknown => {
      const kind = Math.floor(next() * (depth > 3 ? 4 : 6));
      if (kind === 0) return text();
      if (kind === 1) return pick([0, -1, 1.5e-7, 123456789012, -0.25, 1e300]);
      if (kind === 2) return pick([true, false, null]);
      if (kind === 3) return text();
      if (kind === 4) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
      return record(depth + 1);
    };
    const record = (depth: number): Record<string, unknown> =>
      Object.fromEntries(Array.from({ length: Math.floor(next() * 5) }, () => [pick([text(), 'data', 'id', 'uri']), value(depth)]));
    for (let run = 0; run < 300; run += 1) {
      const records = Array.from({ length: Math.floor(next() * 5) }, () => record(0));
      const document =
        next() < 0.5 ? records : { links: [{ data: record(1) }], data: records.map((data) => ({ uri: text(), data })), count: records.length };
      const bytes = Buffer.from(JSON.stringify(document, null, pick([0, 1, '\t', '\r\n '])));
      const expected = records;
      const size = pick([1, 3, 17, 64, 4096]);
      const { openings, ...read } = await fast(bytes, size);
      expect([run, openings, read.error]).toEqual([run, 1, undefined]);
      // JSON.stringify compares "__proto__" keys too.
      expect([run, JSON.stringify(read.records.map((one) => one.value))]).toEqual([run, JSON.stringify(expected)]);
      const { records: precisely } = await precise(bytes, size);
      expect(read.records.map(({ index, line }) => [index, line])).toEqual(precisely.map(({ index, line }) => [index, line]));
    }
  });

  it('keeps a U+FEFF inside a string, as JSON.parse does', async () => {
    // EnvelopeParser's decoder drops it where a run of multi-byte characters starts (and where a
    // chunk boundary falls), so this is where the two readings differ.
    const bytes = Buffer.from('[{"id": "\uFEFFu1", "name": "a\uFEFF\uFEFFb"}]');
    for (const size of [1, 4096]) {
      const { records } = await fast(bytes, size);
      expect(records.map((record) => record.value)).toEqual([{ id: '\uFEFFu1', name: 'a\uFEFF\uFEFFb' }]);
    }
    const { records } = await precise(bytes, 4096);
    expect(records.map((record) => record.value)).toEqual([{ id: 'u1', name: 'a\uFEFFb' }]);
  });

  it("keeps each list item's uri beside its record, as EnvelopeParser does: it names the API version the record was read at", async () => {
    const bytes = Buffer.from(LIST);
    const { records } = await precise(bytes, bytes.length);
    const uris = (JSON.parse(LIST) as { data: { uri: string }[] }).data.map((item) => item.uri);
    expect(records.map((record) => record.uri)).toEqual(uris);
    expect(split([bytes]).records.map((record) => ('uri' in record ? record.uri : undefined))).toEqual(uris);
    const array = Buffer.from(ARRAY);
    expect(split([array]).records.map((record) => ('uri' in record ? record.uri : undefined))).toEqual(RECORD_TEXTS.map(() => undefined));
  });

  it('reads empty lists and arrays', async () => {
    for (const text of ['[]', ' [ ] ', '{"data": []}', '{"links": [], "data": [ ]}\n']) {
      const { records, error } = await expectSameOutcome(Buffer.from(text), 2);
      expect([text, error, records]).toEqual([text, undefined, []]);
    }
  });

  it('reads the last page of a list, whose links name no next page, and a record whose own fields say "next"', async () => {
    for (const text of [
      '{"data": [{"data": {"id": "u1"}}], "links": [{"rel": "self", "uri": "/v3.0/users?starting_after=u0"}, {"rel": "prev", "uri": "/v3.0/users?ending_before=u1"}]}',
      '{"links": [{"uri": "next", "rel": "self"}], "data": [{"data": {"id": "u1", "rel": "next", "links": [{"rel": "next"}]}}]}',
    ]) {
      const { records, error } = await expectSameOutcome(Buffer.from(text), 3);
      expect([error, records.map((record) => record.value['id'])]).toEqual([undefined, ['u1']]);
    }
  });

  it('counts lines on CRLF files, blank lines and records sharing a line', async () => {
    const text = '[\r\n\r\n{"id": "a"}, {"id": "b"},\r\n\n   {"id":\n"c"}\n]';
    const { records } = await expectSameOutcome(Buffer.from(text), 4);
    expect(records.map(({ index, line }) => [index, line])).toEqual([
      [0, 3],
      [1, 3],
      [2, 5],
    ]);
  });

  describe('on a file it does not accept, readJsonRecords yields what EnvelopeParser yields, then throws its error', () => {
    const good = String.raw`{"id": "u1", "name": "Ada"}`;
    it.each([
      ['truncated JSON', `[${good}, ${good}, {"id": "u3", "na`],
      ['a missing colon', `[\n${good},\n{"id" "u2"}\n]`],
      ['a missing comma between records', `[${good} ${good}]`],
      ['a missing comma inside a record', `[${good}, {"id": "u2" "name": "x"}]`],
      ['a trailing comma', `[${good},]`],
      ['a trailing comma inside a record', `[${good}, {"id": "u2",}]`],
      ['two commas', `[${good},,${good}]`],
      ['a missing closing brace', `[{"id": "u1", "a": {"b": 1}, {"id": "u2"}]`],
      ['a mismatched bracket', `[${good}, {"id": "u2", "list": [1, 2}]`],
      ['an unknown literal', `[${good}, {"id": "u2", "ok": tru}]`],
      ['a number with a leading zero', `[${good}, {"id": "u2", "n": 01}]`],
      ['a number cut short', `[${good}, {"id": "u2", "n": 1.}]`],
      ['a raw newline in a string', `[${good}, {"id": "u2\n"}]`],
      ['a raw tab in a key', `[${good}, {"i\td": "u2"}]`],
      ['an invalid escape', String.raw`[${good}, {"id": "u\x2"}]`],
      ['an unfinished unicode escape', String.raw`[${good}, {"id": "u\u00"}]`],
      ['a single quote', `[${good}, {'id': 'u2'}]`],
      ['a key that is not a string', `[${good}, {id: "u2"}]`],
      ['trailing garbage after the array', `[${good}]\n]`],
      ['a second top-level value', `[${good}] [${good}]`],
      ['a BOM that is not at the start', ` \uFEFF[${good}]`],
      ['an array of strings', '[\n"u1"\n]'],
      ['an array of arrays', `[[${good}]]`],
      ['a record that is null', `[${good}, null]`],
      ['a number at the top', '42'],
      ['a bare string', '"users"'],
      ['an HTML error page', '<html><body>502 Bad Gateway</body></html>'],
      ['an object without "data"', '{"count": 1004, "links": []}'],
      ['an empty object', '{}'],
      ['"data" that is a string', '{"data": "users"}'],
      ['"data" that is null', '{"links": [], "data": null}'],
      ['two "data" keys', `{"data": [{"data": ${good}}], "data": []}`],
      ['two "data" keys, the first a record', `{"data": ${good}, "data": ${good}}`],
      ['an item that is not an object', `{"data": [{"data": ${good}}, "u2"]}`],
      ['an item without "data"', `{"data": [{"data": ${good}}, {"uri": "/v3.0/users/u2"}]}`],
      ['an item whose "data" is an array', `{"data": [{"data": [${good}]}]}`],
      ['an item whose "data" is null', `{"data": [{"uri": "/u1", "data": null}]}`],
      ['a broken value beside "data"', `{"links": [1 2], "data": [{"data": ${good}}]}`],
      ['a broken count beside "data"', `{"count": 12x, "data": [{"data": ${good}}]}`],
      ['a record after the envelope', `{"data": [{"data": ${good}}]} ${good}`],
      ['a truncated envelope', `{"data": [{"data": ${good}}]`],
      ['a truncated single-object envelope', `{"data": ${good}`],
      ['a single-object envelope', `{"links": [], "data": ${good}}`],
      ['a page of a longer list, its next link after the records', `{"data": [{"data": ${good}}], "links": [{"rel": "self", "uri": "/v3.0/users"}, {"rel": "next", "uri": "/v3.0/users?starting_after=u1"}]}`],
      ['a page of a longer list, its next link before the records', `{"links": [{"uri": "/v3.0/users?starting_after=u1", "rel": "next"}], "data": [{"data": ${good}}]}`],
      ['a single-object envelope of an empty record', '{"data": {}}'],
      ['a single-object envelope holding an item', `{"data": {"data": ${good}, "uri": "/v3.0/users/u1"}}`],
      ['0 bytes', ''],
      ['whitespace only', ' \n\t\r\n  '],
      ['a BOM only', '\uFEFF'],
    ])('given %s', async (_, text) => {
      for (const size of [1, 7, 4096]) {
        const { error } = await expectSameOutcome(Buffer.from(text), size);
        expect(error).toBeDefined();
      }
    });

    const latin1Name = `[${good},\n{"name": "Ecole `;
    const cutId = `[${good}, {"id": "`;
    it.each([
      [
        'bytes that are not UTF-8',
        Buffer.concat([Buffer.from(latin1Name), Buffer.from([0xe9]), Buffer.from('", "id": "s1"}\n]')]),
        `users.json, line 2, record #2, id s1, field name: file is not valid UTF-8: byte 0xE9 at byte offset ${latin1Name.length} is not UTF-8 text (save the file as UTF-8)`,
      ],
      ['a character cut at the end of the file', Buffer.from('[{"id": "é"}]').subarray(0, 10), 'users.json, line 1: file is not valid UTF-8: it ends in the middle of a character'],
      [
        'a character cut at the end of a record',
        Buffer.concat([Buffer.from(cutId), Buffer.from([0xe6, 0xbc]), Buffer.from('"}]')]),
        `users.json, line 1, record #2, field id: file is not valid UTF-8: byte 0xE6 at byte offset ${cutId.length} is not UTF-8 text (save the file as UTF-8)`,
      ],
    ])('given %s, it names the record and the offset of the first bad byte whatever the chunk size', async (_, bytes, message) => {
      for (let size = 1; size <= bytes.length; size += 1) {
        const { error } = await expectSameOutcome(bytes, size);
        expect([size, error?.message]).toEqual([size, message]);
      }
    });
  });

  describe('strings longer than the limit', () => {
    const limit = 10;

    it.each([
      ['at the limit', '"0123456789"', false],
      ['one character over', '"0123456789a"', true],
      ['multi-byte characters at the limit (more bytes than the limit)', '"ééééééé漢🎓"', false],
      ['multi-byte characters over the limit', '"éééééééé漢🎓"', true],
      ['escapes at the limit (more bytes than the limit)', String.raw`"\u0041\u0042\n\t\"\\\ud83c\udf93\u00e9\/"`, false],
      ['escapes over the limit', String.raw`"\u0041\u0042\n\t\"\\\ud83c\udf93\u00e9\/x"`, true],
    ])('%s', async (_, value, tooLong) => {
      for (const text of [
        `[{"id": "u1"}, {"id": "u2", "name": ${value}}, {"id": "u3"}]`,
        `[{"id": "u1"}, {"id": "u2", ${value}: 1}]`,
        `{"links": [${value}], "data": [{"data": {"id": "u1"}}]}`,
        `{${value}: [], "data": [{"data": {"id": "u1"}}]}`,
        `{"data": [{"data": {"id": "u1"}, "uri": ${value}}]}`,
      ]) {
        for (const size of [1, 3, 4096]) {
          const { error } = await expectSameOutcome(Buffer.from(text), size, limit);
          expect([text, size, error?.message.includes('text value is too long') ?? false]).toEqual([text, size, tooLong]);
        }
      }
    });

    it('stops reading an unfinished string soon after it passes the limit', async () => {
      // An unbalanced quote: the rest of the file, without another quote, is one string.
      let pulled = 0;
      async function* source(): AsyncGenerator<Uint8Array> {
        yield Buffer.from('[{"id": "u0"}, {"id": "u1", "name": "Ada');
        for (let i = 0; i < 100_000; i += 1) {
          pulled += 1;
          yield Buffer.from(' Lorem ipsum dolor sit amet, consectetur adipiscing elit.');
        }
        yield Buffer.from('"}]');
      }
      const result = await outcome(readJsonRecords(source, options(1000)));
      expect(result.records.map((record) => record.value)).toEqual([{ id: 'u0' }]);
      expect(result.error?.message).toMatch(
        /^users\.json, line 1, record #2, id u1, field name: text value is too long: more than 1,000 characters \(stopped reading it at 1,0\d\d\)/,
      );
      // Both readings: the splitter stops after about 6,000 bytes, EnvelopeParser after about 1,000.
      expect(pulled).toBeLessThan(2 * 6100 / 57);
    });

    it('stops reading a record whose braces do not balance where the grammar breaks', async () => {
      let pulled = 0;
      async function* source(): AsyncGenerator<Uint8Array> {
        yield Buffer.from('[{"id": "u0"}, {"id": "u1", "name": {"first": "Ada"');
        for (let i = 2; i < 200_000; i += 1) {
          pulled += 1;
          yield Buffer.from(`, {"id": "u${i}"}`);
        }
        yield Buffer.from(']');
      }
      const result = await outcome(readJsonRecords(source, options()));
      expect(result.records.map((record) => record.value)).toEqual([{ id: 'u0' }]);
      expect(result.error?.message).toMatch(/^users\.json, line 1: invalid JSON after record #1/);
      expect(pulled).toBeLessThan(5);
    });
  });

  it.each([
    ['finds a record past the place', ['[{"id": "u1"}, {"id": "u2"}, {"id": ', '"u3"}]']],
    ['finds no problem at all', ['[{"id": "u1"}, {"id": "u2"}]']],
  ])('names the file when a second reading %s where the first one stopped', async (_, second) => {
    const readings = [['[{"id": "u1"}, {"id": "u2"}, {"id": '], second];
    let openings = 0;
    const open = () => asyncChunks((readings[openings++] ?? []).map((text) => Buffer.from(text)));
    const result = await outcome(readJsonRecords(open, options()));
    expect(result.records.map((record) => record.value?.['id'])).toEqual(['u1', 'u2']);
    expect(result.error?.message).toBe(
      'users.json: file could not be read consistently: the first reading stopped after 2 records, a second reading found no problem there (was the file changed while it was read?)',
    );
  });

  it('agrees with EnvelopeParser on randomly damaged files', async () => {
    const next = seededRandom(2024);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const bases = DOCUMENTS.map(([, text]) => Buffer.from(text)).concat(
      DOCUMENTS.map(([, text]) => Buffer.from(JSON.stringify(JSON.parse(text.replace(/^\uFEFF/, '')), null, 1))),
    );
    // Bytes that change the structure, break a token, or break a UTF-8 character.
    const alphabet = Buffer.from('{}[],:"\\ \n0-.eEtnx');
    const extra = [0xc3, 0xa9, 0xff];
    let failures = 0;
    for (let run = 0; run < 1500; run += 1) {
      let bytes = pick(bases);
      for (let damages = 1 + Math.floor(next() * 3); damages > 0; damages -= 1) {
        const base = bytes;
        const at = Math.floor(next() * base.length);
        const byte = next() < 0.9 ? pick([...alphabet]) : pick(extra);
        bytes = pick([
          () => Buffer.concat([base.subarray(0, at), base.subarray(at + 1)]),
          () => Buffer.concat([base.subarray(0, at), Buffer.from([byte]), base.subarray(at)]),
          () => Buffer.concat([base.subarray(0, at), Buffer.from([byte]), base.subarray(at + 1)]),
          () => Buffer.concat([base.subarray(0, at), base.subarray(Math.floor(next() * base.length))]),
        ])();
      }
      const size = pick([1, 2, 5, 16, 64, 4096]);
      const limit = pick([8, 16, DEFAULT_MAX_STRING_LENGTH]);
      const expected = await precise(bytes, size, limit);
      const { openings, ...actual } = await fast(bytes, size, limit);
      expect([run, bytes.toString('latin1'), size, limit, actual]).toEqual([run, bytes.toString('latin1'), size, limit, expected]);
      if (expected.error !== undefined) failures += 1;
      expect(openings).toBe(expected.error === undefined ? 1 : 2);
    }
    // Most damaged files are rejected; a few damages leave valid JSON.
    expect(failures).toBeGreaterThan(1000);
  });
});
