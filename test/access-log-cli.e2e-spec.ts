import { userInfo } from 'node:os';
import { CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { cli, cliJson, scratch } from './support/ledger-cli';

/**
 * `access-log`: compliance reads at a terminal who read which students' personal data, when, and
 * through what, as GET /access-log answers it: newest first, a page at a time, by student or reader.
 */
describe('access-log (end to end)', () => {
  const tmp = scratch('access-log-cli');
  const db = tmp.path('ledger.db');
  const me = userInfo().username;
  afterAll(() => tmp.cleanup());

  interface Entry {
    at: string;
    who: string;
    role: string;
    endpoint: string;
    studentIds: string[];
  }

  it('lists the reads of students’ data, newest first, by student, a page at a time, for compliance and admin only', () => {
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    const found = cliJson<{ items: { id: string }[] }>(['search', 'Ziemann', '--role', 'support', '--db', db]).body.items;
    expect(found).toHaveLength(1);
    const students = cliJson<{ students: { userId: string }[] }>(['roster', '5a25ffc265e950634b000184', '--db', db]).body.students.map((s) => s.userId);
    expect(students.length).toBeGreaterThan(1);

    const all = cliJson<{ items: Entry[]; next: string | null }>(['access-log', '--db', db]);
    expect(all.status).toBe(0);
    expect(all.body.items.map(({ who, role, endpoint, studentIds }) => ({ who, role, endpoint, studentIds: [...studentIds].sort() }))).toEqual([
      { who: me, role: 'admin', endpoint: 'cli roster', studentIds: [...students].sort() },
      { who: me, role: 'support', endpoint: 'cli search', studentIds: [found[0]!.id] },
    ]);
    expect(all.body.next).toBeNull();
    // reading the access log is not itself a read of students' data
    expect(cliJson<{ items: Entry[] }>(['access-log', '--db', db]).body.items).toHaveLength(2);

    const ofStudent = cliJson<{ items: Entry[] }>(['access-log', '--student', found[0]!.id, '--db', db]).body.items;
    expect(ofStudent.map((e) => e.endpoint)).toEqual(['cli search']);
    // an id that names no account (a SIS id, the audit feed's stream_id) is refused, not answered
    // with "no reads", which would say nobody read the student
    const sisId = cli(['access-log', '--student', '738733110', '--db', db]);
    expect({ status: sisId.status, stderr: sisId.stderr.trim() }).toEqual({
      status: 2,
      stderr: expect.stringContaining('account 738733110 not found; the access log names students by their account id, as search gives it'),
    });
    const streamName = cli(['access-log', '--student', `user-${found[0]!.id}`, '--db', db]);
    expect(streamName.stderr).toContain(`user-${found[0]!.id} is the name of a stream of the log (the audit feed's stream_id): the account's id is ${found[0]!.id}`);

    const text = cli(['access-log', '--limit', '1', '--db', db]).stdout.trim().split('\n');
    expect(text).toHaveLength(3); // the header, the newest read, the next page's command
    expect(text[1]).toMatch(new RegExp(`^\\S+Z\\s+${me}\\s+admin\\s+cli roster\\s+${students.length}: `));
    const more = /^More: roster-ledger access-log --limit 1 --db \S+ --after (\d+)$/.exec(text[2]!);
    expect(more).not.toBeNull();
    const older = cliJson<{ items: Entry[]; next: string | null }>(['access-log', '--limit', '1', '--after', more![1]!, '--db', db]).body;
    expect(older.items.map((e) => e.endpoint)).toEqual(['cli search']);
    // a full page says where the next one starts, which may hold nothing
    expect(cli(['access-log', '--limit', '1', '--after', String(older.next), '--db', db]).stdout).toBe('No older reads match.\n');

    // a reader's name is matched as written: another case finds nothing, and says how names match
    expect(cliJson<{ items: Entry[] }>(['access-log', '--who', me, '--db', db]).body.items).toHaveLength(2);
    const otherCase = me === me.toUpperCase() ? me.toLowerCase() : me.toUpperCase();
    expect(cli(['access-log', '--who', otherCase, '--db', db]).stdout).toBe(
      'No reads of students’ personal data recorded that match.\n  --who matches a name whole and as written (case counts): access-log without --who shows the names that read.\n',
    );

    const refused = cli(['access-log', '--role', 'support', '--db', db]);
    expect({ status: refused.status, stderr: refused.stderr.trim() }).toEqual({ status: 2, stderr: 'error: the access log is for compliance and admin; --role support may not read it' });
  }, 60_000);
});
