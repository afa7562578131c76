import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDistrict } from '../../scripts/generate/generate';

/** Snapshot folders for the crash and concurrency specs. */

/** Generates a district's base snapshot (and its next-day churn, if asked) with the repository's generator. */
export async function generateSnapshots(options: { students: number; seed: string; base: string; churn?: string }): Promise<void> {
  await generateDistrict({ students: options.students, seed: options.seed, out: options.base, churn: options.churn });
}

/**
 * A copy of `from` at `to` whose `file` (e.g. users.json) is a named pipe nobody writes to: a
 * sync reading the copy blocks when it opens that file, at a known point of its run, until it is
 * killed. `restore()` puts the real file back, so the same folder then imports normally.
 */
export function snapshotBlockingOn(from: string, to: string, file: string): { folder: string; restore: () => void } {
  cpSync(from, to, { recursive: true });
  const path = join(to, file);
  unlinkSync(path);
  execFileSync('mkfifo', [path]);
  return {
    folder: to,
    restore: () => {
      unlinkSync(path);
      copyFileSync(join(from, file), path);
    },
  };
}

/**
 * A copy of a Clever JSON snapshot folder (the API envelope) without its first `n` students, in
 * users.json and in every section: a mass removal the guard holds.
 */
export function snapshotWithoutStudents(from: string, to: string, n: number): string {
  cpSync(from, to, { recursive: true });
  type Envelope = { data: { data: Record<string, unknown> }[] };
  const read = (file: string) => JSON.parse(readFileSync(join(to, file), 'utf8')) as Envelope;
  const users = read('users.json');
  const isStudent = (u: Record<string, unknown>) => (u['roles'] as Record<string, unknown> | undefined)?.['student'] !== undefined;
  const gone = new Set(users.data.filter((u) => isStudent(u.data)).slice(0, n).map((u) => u.data['id'] as string));
  users.data = users.data.filter((u) => !gone.has(u.data['id'] as string));
  writeFileSync(join(to, 'users.json'), JSON.stringify(users));
  const sections = read('sections.json');
  for (const s of sections.data) s.data['students'] = (s.data['students'] as string[]).filter((id) => !gone.has(id));
  writeFileSync(join(to, 'sections.json'), JSON.stringify(sections));
  return to;
}
