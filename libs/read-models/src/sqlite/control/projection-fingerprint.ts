import { createHash } from 'node:crypto';
import { openReadModelDatabase } from '../read-model-database';
import type { Db } from '../read-model-database';
import { tableNamer, type SqliteProjection } from '../sqlite-projection';

/**
 * A fingerprint of a projection as this code makes it: its tables' shapes (built in a scratch
 * database), then its content version when raised (`<shape>+<version>`).
 */
export function schemaOf(p: SqliteProjection): string {
  const scratch = openReadModelDatabase(':memory:');
  try {
    p.create(scratch, tableNamer(p.name, 1));
    return fingerprintOf(scratch, p, 1)! + contentMark(p);
  } finally {
    scratch.close();
  }
}

/** What a schema records of a projection's content version: nothing while it is 1. */
const contentMark = (p: SqliteProjection): string => ((p.contentVersion ?? 1) === 1 ? '' : `+${p.contentVersion}`);

/** The tables' shapes a recorded schema names, without its content version. */
export const shapeOf = (schema: string): string => schema.split('+')[0]!;

/**
 * A fingerprint of the shapes one version of a projection's tables has in `db` (the SQL SQLite
 * keeps for them and their indexes, names given as version 1), or null when none exists.
 */
export function fingerprintOf(db: Db, p: SqliteProjection, version: number): string | null {
  const t = tableNamer(p.name, version);
  const names = p.tables.map((table) => t(table));
  const sql = db
    .prepare(`SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name IN (${names.map(() => '?').join(', ')}) ORDER BY name`)
    .pluck()
    .all(...names) as string[];
  if (sql.length === 0) return null;
  const asVersionOne = sql.map((statement) => statement.replaceAll(`_v${version}`, '_v1'));
  return createHash('sha256').update(asVersionOne.join('\n')).digest('hex').slice(0, 16);
}
