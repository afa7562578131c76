import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { cli, cliJson, scratch } from './support/ledger-cli';

type Json = Record<string, any>;

/**
 * A class removed (unshared) and shared again: the ledger knows nothing of it while it was not
 * shared, so its members at the share again joined then or before, as its first members joined
 * at the district's first sync or before. Rosters and a person's classes say so, as they do of
 * the first share.
 */
describe('a class shared again (end to end)', () => {
  const tmp = scratch('re-shared-class');
  afterAll(() => tmp.cleanup());
  const db = tmp.path('ledger.db');
  const sections = JSON.parse(readFileSync(join(CLEVER_DEMO_FOLDER, 'sections.json'), 'utf8')) as { data: { data: Json }[] };
  const section = sections.data.find((item) => item.data['students'].length > 1)!.data;
  const student = section['students'][0] as string;

  const day = (name: string, withSection: boolean): string => {
    const folder = tmp.path(name);
    cpSync(CLEVER_DEMO_FOLDER, folder, { recursive: true });
    const kept = withSection ? sections.data : sections.data.filter((item) => item.data['id'] !== section['id']);
    writeFileSync(join(folder, 'sections.json'), JSON.stringify({ ...sections, data: kept }));
    return folder;
  };
  const imported = (folder: string) => {
    const run = cliJson<{ syncId: string; status: string }>(['import', folder, '--db', db]);
    expect(run.body.status).toBe('completed');
    return run.body.syncId;
  };

  it('says its members at the share again joined then or before, on its roster and on their classes', () => {
    imported(day('day-1', true));
    imported(day('day-2', false));
    const again = imported(day('day-3', true));

    const roster = cliJson<{ students: { userId: string; sinceSync: string; sinceClassShared: boolean }[] }>(['roster', section['id'], '--db', db]).body;
    expect(roster.students.find((m) => m.userId === student)).toMatchObject({ sinceSync: again, sinceClassShared: true });
    expect(cli(['roster', section['id'], '--db', db]).stdout).toContain(`(sync ${again}, which shared the class: joined then or before)`);
    const classes = cliJson<{ classes: { sectionId: string; sinceSync: string; sinceClassShared: boolean }[] }>(['classes', student, '--db', db]).body.classes;
    expect(classes.find((c) => c.sectionId === section['id'])).toMatchObject({ sinceSync: again, sinceClassShared: true });
  });
});
