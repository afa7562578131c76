import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KnownRecords, RecordKind } from '@roster-ledger/domain';
import { openSnapshotFolder } from './snapshot-folder';
import type { SnapshotItem } from './snapshot-item';
import { DISTRICT_ID, envelope, removeTempFolders, tempFolder } from './spec-support/temp-snapshot';

afterEach(removeTempFolders);

const student = (id: string, grade = '9') => ({
  id,
  district: DISTRICT_ID,
  name: { first: 'Ada', last: `Student ${id}` },
  roles: { student: { school: 'school-1', schools: ['school-1'], grade, gender: id === 'u2' ? 'X-unknown' : 'F' } },
});

/** What a ledger remembers of a pass: each record's fingerprint, as the state notes it. */
function remembered(items: readonly SnapshotItem[]): KnownRecords & { fingerprints: Map<string, string> } {
  const fingerprints = new Map<string, string>();
  for (const item of items) if (item.type === 'record') fingerprints.set(item.fingerprint!, item.record.id);
  return {
    districtId: DISTRICT_ID,
    fingerprints,
    recognise: (_kind: RecordKind, id: string, fingerprint: string) => (fingerprints.get(fingerprint) === id ? id : undefined),
  };
}

// every file split on the second thread, as a large district's are
const ON_THREAD = { readOnThreadFrom: 0 };

async function pass(folder: string, known?: KnownRecords): Promise<SnapshotItem[]> {
  const snapshot = await openSnapshotFolder(folder, ON_THREAD);
  if (known) snapshot.recognise(known);
  const items: SnapshotItem[] = [];
  for await (const item of snapshot.items()) items.push(item);
  return items;
}

describe('recognising records the ledger already holds, by their bytes', () => {
  it('yields the records it recognises unparsed, where they are, and parses the changed one', async () => {
    const folder = await tempFolder({ 'users.json': envelope([student('u1'), student('u2'), student('u3')]) });
    const first = await pass(folder);
    expect(first.map((item) => item.type)).toEqual(['record', 'record', 'record']);
    const known = remembered(first);
    expect(known.fingerprints.size).toBe(3);

    // the next day u2's grade changed, and the records moved: u3 first
    await writeFile(join(folder, 'users.json'), envelope([student('u3'), student('u1'), student('u2', '10')]));
    const next = await pass(folder, known);
    const file = join(folder, 'users.json');
    expect(next[0]).toEqual({ type: 'unchanged', kind: 'user', id: 'u3', origin: { file, line: 1, record: 0, recordId: 'u3' } });
    expect(next[1]).toEqual({ type: 'unchanged', kind: 'user', id: 'u1', origin: { file, line: 1, record: 1, recordId: 'u1' } });
    const changed = next[2]!;
    expect(changed).toMatchObject({ type: 'record', record: { id: 'u2', roles: { student: { fields: { grade: '10' } } } }, unknownValues: ['student.gender'] });
    expect(changed.type === 'record' && known.fingerprints.has(changed.fingerprint!)).toBe(false);
  });

  it('fingerprints the bytes only: the same record gets the same fingerprint, any other byte another', async () => {
    const folder = await tempFolder({ 'users.json': envelope([student('u1')]) });
    const [a] = await pass(folder);
    await writeFile(join(folder, 'users.json'), envelope([student('u9'), student('u1')]));
    const [, b] = await pass(folder);
    // the same object written with a space more is other bytes: parsed again, which is only slower
    await writeFile(join(folder, 'users.json'), envelope([student('u1')]).replace('"grade":"9"', '"grade": "9"'));
    const [c] = await pass(folder);
    const fingerprint = (item: SnapshotItem | undefined) => (item?.type === 'record' ? item.fingerprint : undefined);
    expect(fingerprint(b)).toBe(fingerprint(a));
    expect(fingerprint(c)).not.toBe(fingerprint(a));
  });

  it('still reports a broken file, and an id twice, when the records are ones it recognises', async () => {
    const folder = await tempFolder({ 'users.json': envelope([student('u1'), student('u2')]) });
    const known = remembered(await pass(folder));

    await writeFile(join(folder, 'users.json'), envelope([student('u1'), student('u2')]).replace(/\]\}$/, ''));
    await expect(pass(folder, known)).rejects.toThrow(/users\.json/);

    await writeFile(join(folder, 'users.json'), envelope([student('u1'), student('u2'), student('u1', '10')]));
    await expect(pass(folder, known)).rejects.toThrow(/duplicate id: records #1 and #3 both have id u1 and their bytes differ/);

    // a recognised record sent twice is still one record
    await writeFile(join(folder, 'users.json'), envelope([student('u1'), student('u2'), student('u1')]));
    const again = await pass(folder, known);
    expect(again.map((item) => item.type)).toEqual(['unchanged', 'unchanged', 'skipped']);
  });

  it('tells a record of a plain array from the same bytes as an item of the list envelope', async () => {
    const records = [student('u1'), student('u2')];
    const folder = await tempFolder({ 'users.json': JSON.stringify(records) });
    const known = remembered(await pass(folder));
    // the same objects, now as items of an envelope: items without a "data" object
    await writeFile(join(folder, 'users.json'), JSON.stringify({ data: records }));
    await expect(pass(folder, known)).rejects.toThrow(/data/);
  });

  it('recognises a record by the id its bytes hold, and only when the bytes are the ones that made it', async () => {
    const folder = await tempFolder({ 'users.json': envelope([student('u1'), student('u2')]) });
    const known = remembered(await pass(folder));
    // the same bytes under a state of another id: not recognised (an id taken from the bytes is a guess the fingerprint checks)
    const asked: string[] = [];
    const misled: KnownRecords = {
      districtId: DISTRICT_ID,
      recognise: (kind, id, fingerprint) => {
        asked.push(id);
        return known.recognise(kind, id === 'u1' ? 'u2' : id, fingerprint);
      },
    };
    const items = await pass(folder, misled);
    expect(asked).toEqual(['u1', 'u2']);
    expect(items.map((item) => item.type)).toEqual(['record', 'unchanged']);
  });

  it('is told what it knows mid-pass: the records taken after that are recognised', async () => {
    // more than one 64 KiB chunk, read ahead on the reading thread
    const many = Array.from({ length: 2_000 }, (_, i) => student(`u${i}`));
    const folder = await tempFolder({ 'users.json': envelope(many) });
    const known = remembered(await pass(folder));
    const snapshot = await openSnapshotFolder(folder, ON_THREAD);
    const items = snapshot.items()[Symbol.asyncIterator]();
    const types = [(await items.next()).value.type];
    snapshot.recognise(known);
    for (let next = await items.next(); !next.done; next = await items.next()) types.push(next.value.type);
    expect(types).toHaveLength(2_000);
    expect(types[0]).toBe('record');
    expect(types.slice(1).every((type) => type === 'unchanged')).toBe(true);
  });
});
