import type { AccessLog, AccessLogEntry } from '@roster-ledger/ledger';
import type { Db } from '../read-model-database';

/**
 * The access log: one row per request that returned students' personal data, and one row per
 * (request, student) for the look-up "who read this student's data". Append-only by design: no
 * method updates or deletes.
 */
export class SqliteAccessLog implements AccessLog {
  private readonly insert;
  private readonly insertStudent;

  constructor(private readonly db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS access_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, who TEXT NOT NULL, role TEXT NOT NULL, endpoint TEXT NOT NULL, student_ids TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS access_log_students (student_id TEXT NOT NULL, entry_id INTEGER NOT NULL, PRIMARY KEY (student_id, entry_id)) WITHOUT ROWID;
    `);
    this.insert = db.prepare('INSERT INTO access_log (at, who, role, endpoint, student_ids) VALUES (?, ?, ?, ?, ?)');
    this.insertStudent = db.prepare('INSERT OR IGNORE INTO access_log_students (student_id, entry_id) VALUES (?, ?)');
  }

  async record(entry: AccessLogEntry): Promise<void> {
    this.db.transaction(() => {
      const id = this.insert.run(entry.at, entry.who, entry.role, entry.endpoint, JSON.stringify(entry.studentIds)).lastInsertRowid;
      for (const student of entry.studentIds) this.insertStudent.run(student, id);
    }).immediate();
  }

  async query(filter: { studentId?: string; who?: string; from?: string; to?: string; limit: number }): Promise<AccessLogEntry[]> {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit };
    if (filter.studentId !== undefined) {
      where.push('l.id IN (SELECT entry_id FROM access_log_students WHERE student_id = @student)');
      params['student'] = filter.studentId;
    }
    if (filter.who !== undefined) (where.push('l.who = @who'), (params['who'] = filter.who));
    if (filter.from !== undefined) (where.push('l.at >= @from'), (params['from'] = filter.from));
    if (filter.to !== undefined) (where.push('l.at < @to'), (params['to'] = filter.to));
    const rows = this.db
      .prepare(`SELECT at, who, role, endpoint, student_ids FROM access_log l ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY l.id DESC LIMIT @limit`)
      .all(params) as { at: string; who: string; role: string; endpoint: string; student_ids: string }[];
    return rows.map((r) => ({ at: r.at, who: r.who, role: r.role, endpoint: r.endpoint, studentIds: JSON.parse(r.student_ids) as string[] }));
  }
}
