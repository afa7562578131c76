import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { cli, cliJson, scratch } from './support/ledger-cli';

const JSON_FILES = 'districts.json, schools.json, terms.json, courses.json, users.json, sections.json';
const RUBY_DEMO = resolve(__dirname, '../../shared/data/clever-ruby-v1.1-demo-api');
const haveRubyDemo = existsSync(RUBY_DEMO);
// straight to stderr: jest keeps the console output of a file whose tests are all skipped to itself
if (!haveRubyDemo) process.stderr.write(`skipped: the older-layout spec needs ${RUBY_DEMO} (a clone without ../shared has none)\n`);

/**
 * A file of the snapshot folder that the import does not read (a misspelt name, another Clever
 * layout) is named in the sync's report, as a warning: the import still runs.
 */
describe('files an import does not read (end to end)', () => {
  const tmp = scratch('unread-files');
  afterAll(() => tmp.cleanup());

  /** A folder with the demo's districts.json and these files. */
  function folderWith(name: string, files: Record<string, string>, withDistricts = true): string {
    const folder = tmp.path(name);
    mkdirSync(folder, { recursive: true });
    if (withDistricts) copyFileSync(join(CLEVER_DEMO_FOLDER, 'districts.json'), join(folder, 'districts.json'));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);
    return folder;
  }

  it('names a misspelt users.json in the report of a completed import, with the names it reads', () => {
    const folder = folderWith('misspelt', { 'user.json': '[]', 'README.md': 'notes' });
    const text = cli(['import', folder, '--db', tmp.path('misspelt.db')]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(': COMPLETED');
    expect(text.stdout).toContain(`\n  Not read: user.json (a snapshot folder holds ${JSON_FILES})\n`);

    const asJson = cliJson(['import', folder, '--db', tmp.path('misspelt-json.db')]);
    expect(asJson.status).toBe(0);
    expect(asJson.body).toMatchObject({ status: 'completed', notRead: ['user.json'] });
  });

  it('names them in the report of a failed import too, where they may be why it failed', () => {
    const folder = folderWith('misspelt-and-bad', { 'users.json': '{', 'section.json': '[]' });
    const text = cli(['import', folder, '--db', tmp.path('misspelt-and-bad.db')]);
    expect(text.status).toBe(1);
    expect(text.stderr).toContain('Failed (INVALID_INPUT)');
    expect(text.stderr).toContain(`  Not read: section.json (a snapshot folder holds ${JSON_FILES})`);

    const asJson = cliJson(['import', folder, '--db', tmp.path('misspelt-and-bad.db')]);
    expect(asJson.body).toMatchObject({ status: 'failed', notRead: ['section.json'] });
  });

  it('refuses a folder of misspelt names only, which holds nothing to import, naming them and creating no ledger', () => {
    const folder = folderWith('only-misspelt', { 'user.json': '[]' }, false);
    const ledger = tmp.path('only-misspelt.db');
    const text = cli(['import', folder, '--db', ledger]);
    expect(text.status).toBe(2);
    expect(text.stderr).toContain('only-misspelt holds none of the files an import reads (Clever API JSON: ' + JSON_FILES);
    expect(text.stderr).toContain('; it holds user.json, which no import reads (a misspelt name?)\n');
    expect(existsSync(ledger)).toBe(false);
  });

  it('says nothing of a folder whose every data file is read', () => {
    const asJson = cliJson(['import', folderWith('all-read', { 'SOURCE.txt': 'where from' }), '--db', tmp.path('all-read.db')]);
    expect(asJson.body).toMatchObject({ status: 'completed', notRead: [] });
  });

  it("refuses a folder of Clever's older API layout (students.json, teachers.json, no users.json), whose classes would be recorded without their members", () => {
    const older = folderWith('older-layout', { 'sections.json': '[]', 'students.json': '[]', 'teachers.json': '[]' });
    const ledger = tmp.path('older-layout.db');
    const refused = cli(['import', older, '--db', ledger]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`${older} holds students.json, teachers.json, Clever's older API layout (v1.1, v2), which is not read, and no users.json`);
    expect(existsSync(ledger)).toBe(false);
    // beside a users.json they are only not read, and named so
    const both = folderWith('both-layouts', { 'users.json': '[]', 'students.json': '[]', 'teachers.json': '[]' });
    const asJson = cliJson(['import', both, '--db', tmp.path('both.db')]);
    expect(asJson.status).toBe(0);
    expect(asJson.body['notRead']).toEqual(['students.json', 'teachers.json']);
  });

  (haveRubyDemo ? it : it.skip)("refuses Clever's own v1.1 demo district", () => {
    expect(cli(['import', RUBY_DEMO, '--db', tmp.path('ruby.db')]).status).toBe(2);
  });
});
