import type { Db } from '../read-model-database';
import { tableNamer, type SqliteProjection } from '../sqlite-projection';

/** Drops one version's tables from a connection that holds several (in memory), with any an older release of the projection had. */
export function dropTables(db: Db, p: SqliteProjection, version: number): void {
  const t = tableNamer(p.name, version);
  // and any table of this version that an older release of the projection had (no longer listed)
  const escaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
  const former = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ESCAPE '\\'`)
    .pluck()
    .all(`${escaped(`rm_${p.name}_`)}%${escaped(`_v${version}`)}`) as string[];
  for (const table of new Set([...p.tables.map((table) => t(table)), ...former])) db.exec(`DROP TABLE IF EXISTS ${table}`);
}

/**
 * Drops the secondary indexes of one version's tables (a bulk load updates none of them row by
 * row), from `db`, the connection to that version; `create` builds them again, whole, since every
 * projection's DDL says IF NOT EXISTS. Writers only look rows up by primary key, so they do not
 * miss them.
 */
export function dropSecondaryIndexes(db: Db, p: SqliteProjection, version: number): void {
  const t = tableNamer(p.name, version);
  const tables = JSON.stringify(p.tables.map((table) => t(table)));
  const names = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each(?))`)
    .pluck()
    .all(tables) as string[];
  for (const name of names) db.exec(`DROP INDEX IF EXISTS ${name}`);
}

/** Rows in one version of a table and not in the other, both ways (`db` sees both). */
export function compareTable(db: Db, p: SqliteProjection, table: string, a: number, b: number): number {
  const ta = tableNamer(p.name, a)(table);
  const tb = tableNamer(p.name, b)(table);
  const count = (x: string, y: string) => db.prepare(`SELECT COUNT(*) FROM (SELECT * FROM ${x} EXCEPT SELECT * FROM ${y})`).pluck().get() as number;
  return count(ta, tb) + count(tb, ta);
}
