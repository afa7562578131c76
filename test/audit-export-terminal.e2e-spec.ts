import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { cli, scratch } from './support/ledger-cli';

/**
 * The audit export of a student whose name holds what a terminal acts on (an escape sequence that
 * recolours, a C1 control, a bidirectional override, a line separator): written as `\u` escapes in
 * the JSON export and in the CSV's JSON cells alike, which read back as the same name.
 */
describe('audit export of names a terminal would act on (end to end)', () => {
  const tmp = scratch('export-terminal');
  const hostile = 'Ste\u001b[31mve\u009b2J\u202eevil\u2028x';
  const db = tmp.path('ledger.db');

  beforeAll(() => {
    const folder = tmp.path('snapshot');
    mkdirSync(folder, { recursive: true });
    copyFileSync(join(CLEVER_DEMO_FOLDER, 'districts.json'), join(folder, 'districts.json'));
    const users = JSON.parse(readFileSync(join(CLEVER_DEMO_FOLDER, 'users.json'), 'utf8')) as { data: { data: Record<string, any> }[] };
    const student = users.data.map((item) => item.data).find((user) => user['roles']?.student !== undefined)!;
    writeFileSync(join(folder, 'users.json'), JSON.stringify([{ ...student, name: { ...student['name'], first: hostile } }]));
    expect(cli(['import', folder, '--db', db]).status).toBe(0);
  });
  afterAll(() => tmp.cleanup());

  const args = ['audit', 'export', '--types', 'StudentShared', '--db', db];

  it("writes the CSV's event data with them as \\u escapes, as the JSON export does: the same name to a JSON reader, nothing for a terminal to act on", () => {
    const csv = cli(args);
    expect(csv.status).toBe(0);
    expect(csv.stdout).not.toMatch(/[\u001b\u009b\u202e\u2028]/);
    expect(csv.stdout).toContain('Ste\\u001b[31mve\\u009b2J\\u202eevil\\u2028x');
  });

  it('writes the JSON export with them as \\u escapes, the same name to a JSON reader', () => {
    const json = cli([...args, '--format', 'json']);
    expect(json.stdout).not.toMatch(/[\u001b\u009b\u202e\u2028]/);
    const [shared] = JSON.parse(json.stdout) as { data: { personal: { name: { first: string } } } }[];
    expect(shared!.data.personal.name.first).toBe(hostile);
  });
});
