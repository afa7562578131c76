import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';

export type Json = Record<string, any>;

/** The demo district's users, as the objects of its users.json. */
export const DEMO_USERS: readonly Json[] = (JSON.parse(readFileSync(join(CLEVER_DEMO_FOLDER, 'users.json'), 'utf8')) as { data: { data: Json }[] }).data.map(
  (item) => item.data,
);

/** A copy of `user` whose student role has `fields` set on it (the rest as it was). */
export function withStudentFields(user: Json, fields: Json): Json {
  return { ...structuredClone(user), roles: { ...structuredClone(user['roles']), student: { ...structuredClone(user['roles'].student), ...fields } } };
}

/**
 * Writes at `folder` the demo district with `users` as its users.json: an answer of the Data API
 * at `version` (each item's `uri` names it), or without one, items that name none.
 */
export function demoFolderWithUsers(folder: string, users: readonly Json[], version?: 'v3.0' | 'v3.1'): string {
  mkdirSync(folder);
  for (const file of ['districts.json', 'sections.json']) copyFileSync(join(CLEVER_DEMO_FOLDER, file), join(folder, file));
  const items = users.map((data) => (version === undefined ? { data } : { data, uri: `/${version}/users/${data['id']}` }));
  const links = version === undefined ? {} : { links: [{ rel: 'self', uri: `/${version}/users?limit=10000` }] };
  writeFileSync(join(folder, 'users.json'), JSON.stringify({ data: items, ...links }));
  return folder;
}
