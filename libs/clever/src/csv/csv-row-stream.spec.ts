import { join } from 'node:path';
import { InvalidInput } from '@roster-ledger/domain';
import { readCsvRows, type CsvRow } from './csv-row-stream';
import type { CsvFileSpec } from './csv-columns';
import { removeTempCsvFolders, tempCsvFolder } from './spec-support/temp-csv';

afterEach(removeTempCsvFolders);

const SPEC: CsvFileSpec = { file: 'people.csv', required: ['Id', 'Name'], optional: ['Note'] };

async function rowsOf(content: string | Uint8Array, options: { maxRecordChars?: number; recordIdOf?: (row: CsvRow) => string | undefined } = {}) {
  const folder = await tempCsvFolder({ 'people.csv': content });
  const rows: { line: number; index: number; id: string; name: string; note: string }[] = [];
  for await (const row of readCsvRows(join(folder, 'people.csv'), SPEC, options)) {
    rows.push({ line: row.line, index: row.index, id: row.get('Id'), name: row.get('Name'), note: row.get('Note') });
  }
  return rows;
}

async function failureOf(content: string | Uint8Array, options: { maxRecordChars?: number; recordIdOf?: (row: CsvRow) => string | undefined } = {}) {
  try {
    await rowsOf(content, options);
  } catch (error) {
    if (error instanceof InvalidInput) return error;
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

const PLAIN = [
  { line: 2, index: 0, id: '1', name: 'Ada', note: '' },
  { line: 3, index: 1, id: '2', name: 'Alan', note: '' },
  { line: 4, index: 2, id: '3', name: 'Grace', note: '' },
];

describe('reading a CSV file row by row', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR only (as in the demo students.csv)', '\r'],
  ])('reads %s line endings, with or without a final one', async (_, eol) => {
    const lines = ['Id,Name', '1,Ada', '2,Alan', '3,Grace'];
    expect(await rowsOf(lines.join(eol))).toEqual(PLAIN);
    expect(await rowsOf(lines.join(eol) + eol)).toEqual(PLAIN);
  });

  it('reads a file that mixes CR, LF and CRLF', async () => {
    expect(await rowsOf('Id,Name\r1,Ada\n2,Alan\r\n3,Grace\r')).toEqual(PLAIN);
  });

  it('skips a UTF-8 BOM, so the first column keeps its name', async () => {
    expect(await rowsOf('\uFEFFId,Name\r\n1,Ada\r\n2,Alan\r\n3,Grace')).toEqual(PLAIN);
  });

  it('finds columns by name in any order and letter case', async () => {
    expect(await rowsOf('NAME,note,ID\nAda,,1\nAlan,,2\nGrace,,3\n')).toEqual(PLAIN);
  });

  it('reads quoted values holding commas, doubled quotes and line breaks, and numbers lines from where a row starts', async () => {
    const content = 'Id,Name,Note\r\n1,"Lovelace, Ada","said ""hi"""\r\n2,Alan,"two\r\nlines\nand\rthree"\r\n3,Grace,\r\n';
    expect(await rowsOf(content)).toEqual([
      { line: 2, index: 0, id: '1', name: 'Lovelace, Ada', note: 'said "hi"' },
      { line: 3, index: 1, id: '2', name: 'Alan', note: 'two\r\nlines\nand\rthree' },
      { line: 7, index: 2, id: '3', name: 'Grace', note: '' },
    ]);
  });

  it('skips empty lines and rows without any value, counting them in line numbers', async () => {
    expect(await rowsOf('Id,Name\n\n1,Ada\r\n\r\n,\n2,Alan\n\n')).toEqual([
      { line: 3, index: 0, id: '1', name: 'Ada', note: '' },
      { line: 6, index: 1, id: '2', name: 'Alan', note: '' },
    ]);
  });

  it('trims the spaces around values', async () => {
    expect((await rowsOf('Id , Name\n 1 ,  Ada \n'))[0]).toMatchObject({ id: '1', name: 'Ada' });
  });

  it('reads a file larger than one chunk', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i},Person ${i}`);
    const read = await rowsOf(['Id,Name', ...rows].join('\r'));
    expect(read).toHaveLength(20_000);
    expect(read[19_999]).toEqual({ line: 20_001, index: 19_999, id: '19999', name: 'Person 19999', note: '' });
  });
});

describe('a CSV file that breaks a rule', () => {
  it('names the missing required column', async () => {
    const error = await failureOf('Id,Note\n1,x\n');
    expect(error.at).toMatchObject({ line: 1, column: 'Name' });
    expect(error.message).toMatch(/people\.csv, line 1, column Name: missing required column Name in the header$/);
  });

  it('names the line and column of a quote that is never closed', async () => {
    const error = await failureOf('Id,Name,Note\n1,Ada,ok\n2,"Alan,x\n3,Grace,y\n');
    expect(error.message).toMatch(/people\.csv, line 3, column Name: unbalanced quote: the quoted value that starts on this line is never closed$/);
  });

  it('stops an unclosed quote at the record size limit instead of reading the whole file into memory', async () => {
    const error = await failureOf(`Id,Name\n1,"Ada\n${'2,Alan\n'.repeat(2_000)}`, { maxRecordChars: 1_000 });
    expect(error.at).toMatchObject({ line: 2, column: 'Name' });
    expect(error.rule).toMatch(/^record longer than 1000 characters: an unbalanced quote\?/);
  });

  it('names a record over the size limit without a quote in it as too long, not as an unbalanced quote', async () => {
    const error = await failureOf(`Id,Name\n1,Ada\n2,${'A'.repeat(2_000)}\n3,"Grace"\n`, { maxRecordChars: 1_000 });
    expect(error.at).toMatchObject({ line: 3 });
    expect(error.rule).toBe('record longer than 1000 characters, the most a record may hold: no quote runs on in it, so its values are that long (a missing line break?)');
  });

  it('looks for the quote in the record that ran on alone, not in the next one', async () => {
    const error = await failureOf(`Id,Name,Note\n1,Ada,x\n2,${'B'.repeat(600)},${'A'.repeat(600)}\n3,"Grace",x\n`, { maxRecordChars: 1_000 });
    expect(error.rule).toMatch(/^record longer than 1000 characters, the most a record may hold: no quote runs on in it/);
  });

  it('counts the lines right to a quote error far into the file, past quoted line breaks and empty lines', async () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => `${i},"Person\r\n${i}",note`);
    const content = ['Id,Name,Note', ...rows, '', '', '5000,Ada,"never closed', '5001,Alan,x'].join('\r\n');
    const error = await failureOf(content);
    // Header 1, 5,000 rows of two lines each (2-10,001), two empty lines (10,002-10,003).
    expect(error.at).toMatchObject({ line: 10_004, column: 'Note' });
  });

  it('names a stray quote inside an unquoted value', async () => {
    const error = await failureOf('Id,Name\n1,Ada\n2,Al"an\n');
    expect(error.at).toMatchObject({ line: 3, column: 'Name' });
    expect(error.rule).toMatch(/^unbalanced quote: a quote inside a value/);
  });

  it('fails on a stray quote rather than read it as text: a quote that opens a value would swallow the rows after it unsaid', async () => {
    // read with quotes relaxed, row 2's value runs into row 3 and the record still has the header's width: row 3 is gone
    const error = await failureOf('Id,Name,Note\n1,"Ada,x\n2,Turing "Al",y\n3,Grace,z\n');
    expect(error.rule).toMatch(/^unbalanced quote/);
    // the file, and the line where the runaway quoted value opens
    expect(error.at).toMatchObject({ file: expect.stringMatching(/people\.csv$/), line: 2 });
  });

  it('names a row with more values than the header has columns', async () => {
    const error = await failureOf('Id,Name\r1,Ada\r2,Turing, Alan\r');
    expect(error.message).toMatch(/people\.csv, line 3: row has 3 values but the header has 2 columns/);
  });

  it('names a value that is not UTF-8', async () => {
    const latin1 = Buffer.concat([Buffer.from('Id,Name\n1,Ada\n2,Ren'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const error = await failureOf(latin1);
    expect(error.at).toMatchObject({ line: 3, column: 'Name' });
    expect(error.rule).toBe('value is not valid UTF-8 (save the file as UTF-8)');
  });

  it('keeps a replacement character that is well-encoded UTF-8 (U+FFFD as EF BF BD), as a value like any other', async () => {
    const rows = await rowsOf(Buffer.concat([Buffer.from('Id,Name\n1,Ada\n2,Ren'), Buffer.from([0xef, 0xbf, 0xbd]), Buffer.from('e\n')]));
    expect(rows.map((r) => r.name)).toEqual(['Ada', 'Ren\uFFFDe']);
  });

  it('names the line of the bytes that are not UTF-8 in a file that also holds a well-encoded replacement character before them', async () => {
    const mixed = Buffer.concat([Buffer.from('Id,Name\r\n1,A\uFFFDa\r\n2,Ren'), Buffer.from([0xe9]), Buffer.from('\r\n')]);
    const error = await failureOf(mixed);
    expect({ at: error.at, rule: error.rule }).toEqual({ at: expect.objectContaining({ line: 3, column: 'Name' }), rule: 'value is not valid UTF-8 (save the file as UTF-8)' });
  });

  it('refuses a character cut off at the end of the file, and finds bytes that are not UTF-8 across a chunk boundary', async () => {
    const cut = Buffer.concat([Buffer.from('Id,Name\n1,Ada\n2,Ren'), Buffer.from([0xc3])]);
    expect((await failureOf(cut)).at).toMatchObject({ line: 3 });
    // a long first row puts the bad byte of line 3 past the first 64 KiB chunk; a split 'é' before it is fine
    const long = `Id,Name\n1,${'a'.repeat(64 * 1024 - 11)}é\n`;
    expect(await rowsOf(`${long}2,Ren\n`)).toHaveLength(2);
    const error = await failureOf(Buffer.concat([Buffer.from(`${long}2,Ren`), Buffer.from([0xff]), Buffer.from('\n')]));
    expect(error.at).toMatchObject({ line: 3, column: 'Name' });
  });

  it('names a value over 65,536 characters, as a JSON snapshot does', async () => {
    expect(await rowsOf(`Id,Name\n1,${'a'.repeat(65_536)}\n`)).toHaveLength(1);
    const error = await failureOf(`Id,Name,Note\n1,Ada,${'n'.repeat(70_000)}\n`);
    expect(error.at).toMatchObject({ line: 2, column: 'Note' });
    expect(error.rule).toBe('text value is too long: 70,000 characters; the limit is 65,536 characters');
  });

  it("names the row's record in an error about a value's bytes or length, as in any other error about a row", async () => {
    const recordIdOf = (row: CsvRow) => `person-${row.get('Id')}`;
    const latin1 = Buffer.concat([Buffer.from('Id,Name\n1,Ada\n2,Ren'), Buffer.from([0xe9]), Buffer.from('\n')]);
    expect((await failureOf(latin1, { recordIdOf })).at).toEqual({ file: expect.stringMatching(/people\.csv$/), line: 3, recordId: 'person-2', column: 'Name' });
    expect((await failureOf(`Id,Name,Note\n7,Ada,${'n'.repeat(70_000)}\n`, { recordIdOf })).at).toMatchObject({ line: 2, recordId: 'person-7', column: 'Note' });
  });

  it('rejects an empty file', async () => {
    expect((await failureOf('')).rule).toBe('the file is empty: expected a header row');
    expect((await failureOf('\uFEFF')).rule).toBe('the file is empty: expected a header row');
  });
});
