import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Json = Record<string, unknown>;

/** The list resources the stand-in serves, and the snapshot file each is loaded from. */
export const STAND_IN_RESOURCES = {
  districts: 'districts.json',
  schools: 'schools.json',
  terms: 'terms.json',
  courses: 'courses.json',
  users: 'users.json',
  sections: 'sections.json',
} as const;
export type StandInResource = keyof typeof STAND_IN_RESOURCES;

/** Each resource's objects sorted by id, as Clever lists them; a missing file is an empty list. */
export function loadSnapshotFolder(folder: string): Map<string, Json[]> {
  const data = new Map<string, Json[]>();
  for (const [resource, file] of Object.entries(STAND_IN_RESOURCES)) {
    const path = join(folder, file);
    data.set(resource, existsSync(path) ? sortById(objectsOf(JSON.parse(readFileSync(path, 'utf8')) as unknown)) : []);
  }
  return data;
}

export function sortById(objects: Json[]): Json[] {
  return [...objects].sort((a, b) => (String(a['id']) < String(b['id']) ? -1 : String(a['id']) > String(b['id']) ? 1 : 0));
}

/** The list envelope, a plain array, or a single-object envelope, like the snapshot reader accepts. */
function objectsOf(body: unknown): Json[] {
  if (Array.isArray(body)) return body as Json[];
  const data = (body as { data?: unknown }).data;
  if (Array.isArray(data)) return data.map((item) => (item as { data: Json }).data);
  return [data as Json];
}
