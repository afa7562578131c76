import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInput } from '@roster-ledger/domain';
import { openSnapshotFolder } from '../snapshot-folder';
import type { SnapshotFolderOptions } from '../snapshot-folder';
import type { SnapshotItem } from '../snapshot-item';

/** Spec helpers: temp snapshot folders under the OS temp dir, removed by `removeTempFolders`. */
const created: string[] = [];

export async function tempFolder(files: Record<string, string | Uint8Array> = {}): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'clever-snapshot-'));
  created.push(folder);
  for (const [name, content] of Object.entries(files)) await writeFile(join(folder, name), content);
  return folder;
}

export async function removeTempFolders(): Promise<void> {
  await Promise.all(created.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
}

/** The API list envelope, as Clever sends it. */
export function envelope(records: readonly object[], resource = 'users'): string {
  return JSON.stringify({
    links: [{ rel: 'self', uri: `/v3.0/${resource}?limit=10000` }],
    data: records.map((record) => ({ data: record, uri: `/v3.0/${resource}/${String((record as { id?: unknown }).id)}` })),
  });
}

export async function readItems(folder: string, options?: SnapshotFolderOptions): Promise<SnapshotItem[]> {
  const snapshot = await openSnapshotFolder(folder, options);
  const items: SnapshotItem[] = [];
  for await (const item of snapshot.items()) items.push(item);
  return items;
}

/** The InvalidInput that reading (or opening) the folder ends with; fails the spec when there is none. */
export async function readFailure(folder: string, options?: SnapshotFolderOptions): Promise<InvalidInput> {
  try {
    await readItems(folder, options);
  } catch (error) {
    if (error instanceof InvalidInput) return error;
    throw error;
  }
  throw new Error('expected the snapshot to be rejected, but it was read');
}

export function records(items: readonly SnapshotItem[]) {
  return items.flatMap((item) => (item.type === 'record' ? [item.record] : []));
}

export const DISTRICT_ID = '5a0c91b95c7cc000010d417c';
