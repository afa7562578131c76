import type { Fields } from '@roster-ledger/domain';
import type { RecordedEvent } from '@roster-ledger/ledger';
import { evolveAccount, type Account } from '../../model/account';
import { searchKey } from '../../model/search-key';
import { DocTable } from '../doc-table';
import { BufferedInsert } from '../buffered-insert';
import type { Db } from '../read-model-database';
import type { ProjectionWriter, SqliteProjection, TableNamer } from '../sqlite-projection';

const lower = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v.toLowerCase() : null);

const nameKey = (name: string): string | null => {
  const key = searchKey(name);
  return key === '' ? null : key;
};

/**
 * The names (as search keys: lower case, accents left out) and email support searches by: "first
 * last"; "last first middle", the order of an SIS export's "Last, First Middle" (a prefix of it is
 * still "last first"); and, for a name with a middle name, "first middle last", as a person writes
 * it in full ("Steve G Ziemann"), null otherwise (it would be "first last" again); and, for a last
 * name of two words or more ("Parisian-Ortiz", "García Márquez"), the words after its first, then
 * the first name ("ortiz gerald"): support may be given either family name of a double surname.
 */
function searchNames(account: Account): { name: string | null; nameReversed: string | null; nameFull: string | null; nameLater: string | null; email: string | null } {
  const name = account.person.personal['name'] as Fields | undefined;
  const part = (key: string): string => (typeof name?.[key] === 'string' ? (name[key] as string) : '');
  const middle = nameKey(part('middle'));
  const later = (nameKey(part('last')) ?? '').split(' ').slice(1).join(' ');
  return {
    name: nameKey(`${part('first')} ${part('last')}`),
    nameReversed: nameKey(`${part('last')} ${part('first')} ${part('middle')}`),
    nameFull: middle === null ? null : nameKey(`${part('first')} ${part('middle')} ${part('last')}`),
    nameLater: later === '' ? null : nameKey(`${later} ${part('first')}`),
    email: lower(account.person.personal['email']),
  };
}

const ID_FIELDS = ['sis_id', 'student_number', 'state_id', 'teacher_number', 'staff_id'];

/** The identifiers support searches by, over every role, added to `into`. */
function addSearchIds(account: Account, into: Set<string>): void {
  for (const facet of Object.values(account.person.roles)) {
    for (const key of ID_FIELDS) {
      const value = lower(facet.personal[key]);
      if (value) into.add(value);
    }
  }
}

/** accounts: one row per Clever user, with their roles, status, schools and search keys. */
export const accountsProjection: SqliteProjection = {
  name: 'accounts',
  rebuildWeight: 61,
  description: 'one account per user: roles, status, first shared, removed at, schools, grade, personal fields',
  tables: ['accounts', 'account_search', 'account_ids'],
  // 2: names kept as search keys (accents and punctuation left out), so "Lucia Pena" finds
  // "Lucía Peña", "last first middle" in place of "last first", and each removed role kept as it
  // stood (formerFacets). (search_name_later came with a new shape of the search table.)
  contentVersion: 2,
  create(db: Db, t: TableNamer): void {
    // what a search matches and sorts by, apart from the documents: its indexes are built
    // from this table after a bulk load, which reads a twentieth of the bytes of the documents'
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t('accounts')} (
        id TEXT PRIMARY KEY, status TEXT NOT NULL, roles TEXT NOT NULL,
        name TEXT, ever_student INTEGER NOT NULL, position INTEGER NOT NULL, doc TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS ${t('account_search')} (
        id TEXT PRIMARY KEY, district_id TEXT, status TEXT NOT NULL, search_name TEXT, search_name_rev TEXT, search_name_full TEXT, search_name_later TEXT, email TEXT) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS ${t('account_search')}_name ON ${t('account_search')} (search_name);
      CREATE INDEX IF NOT EXISTS ${t('account_search')}_name_rev ON ${t('account_search')} (search_name_rev);
      CREATE INDEX IF NOT EXISTS ${t('account_search')}_name_full ON ${t('account_search')} (search_name_full) WHERE search_name_full IS NOT NULL;
      CREATE INDEX IF NOT EXISTS ${t('account_search')}_name_later ON ${t('account_search')} (search_name_later) WHERE search_name_later IS NOT NULL;
      CREATE INDEX IF NOT EXISTS ${t('account_search')}_email ON ${t('account_search')} (email);
      CREATE TABLE IF NOT EXISTS ${t('account_ids')} (account_id TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (account_id, value)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS ${t('account_ids')}_value ON ${t('account_ids')} (value);
    `);
  },
  writer(db: Db, t: TableNamer): ProjectionWriter {
    // name and ever_student answer a roster's names without parsing each member's document
    const columns = ['status', 'roles', 'name', 'ever_student', 'position'];
    const docs = new DocTable<Account>(
      db,
      t('accounts'),
      columns,
      (a) => {
        const name = a.person.personal['name'];
        const everStudent = a.person.pastRoles.includes('student') ? 1 : 0;
        return [a.status, a.roles.join(','), name === undefined ? null : JSON.stringify(name), everStudent, a.position];
      },
      {
        side: {
          table: t('account_search'),
          columns: ['district_id', 'status', 'search_name', 'search_name_rev', 'search_name_full', 'search_name_later', 'email'],
          extract: (a) => {
            const keys = searchNames(a);
            return [a.districtId, a.status, keys.name, keys.nameReversed, keys.nameFull, keys.nameLater, keys.email];
          },
        },
      },
    );
    const ids = new BufferedInsert(db, `INSERT OR IGNORE INTO ${t('account_ids')} (account_id, value)`, 2);
    // ids are collected after every event, not at flush: a role removed later in the same batch
    // must still leave its SIS id findable
    const found = new Map<string, Set<string>>();
    return {
      apply(event: RecordedEvent): void {
        if (!event.streamId.startsWith('user-')) return;
        const id = event.streamId.slice('user-'.length);
        const next = evolveAccount(docs.get(id), event);
        if (next) {
          docs.put(id, next);
          let values = found.get(id);
          if (values === undefined) found.set(id, (values = new Set([id.toLowerCase()])));
          addSearchIds(next, values);
        }
      },
      flush(): void {
        // ids are only ever added: a removed student stays findable by the SIS id they had
        for (const [id, values] of found) for (const value of values) ids.add(id, value);
        ids.flush();
        found.clear();
        docs.flush();
      },
      reset(): void {
        found.clear();
        ids.discard();
        docs.reset();
      },
    };
  },
};
