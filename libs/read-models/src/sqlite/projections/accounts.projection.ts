import type { Fields } from '@roster-ledger/domain';
import type { RecordedEvent } from '@roster-ledger/ledger';
import { evolveAccount, type Account } from '../../model/account';
import { addSearchIds, laterWordKeys, lowerOrNull, nameKeys, searchNames } from '../../model/account-search-keys';
import { DocTable } from '../doc-table';
import { BufferedInsert } from '../buffered-insert';
import type { Db } from '../read-model-database';
import type { ProjectionWriter, SqliteProjection, TableNamer } from '../sqlite-projection';

/** A person's name (as JSON) and email as they stood before an event, taken before it is folded: folding changes the account in place. */
interface NameBefore {
  name: string;
  email: string | null;
}

/**
 * Only an event whose personal data names a name or an email (an update of them, `name.last` or
 * `email`; a share again, with the whole name) can change them: the others, every demographic
 * update among them, are passed over without a look (a rebuild folds millions of them).
 */
function nameBefore(before: Account | undefined, event: RecordedEvent): NameBefore | null {
  if (before === undefined) return null;
  const personal = event.data['personal'];
  if (typeof personal !== 'object' || personal === null) return null;
  if (!Object.keys(personal).some((key) => key === 'email' || key === 'name' || key.startsWith('name.'))) return null;
  return { name: JSON.stringify(before.person.personal['name'] ?? null), email: lowerOrNull(before.person.personal['email']) };
}

/**
 * The name keys an account gets beyond its row in the search table, and an email it no longer
 * has, after an event: when it is first shared or renamed, the later words of its last name
 * (laterWordKeys); when renamed, every key of the name it had; when its email changed, the email
 * it had. Kept for good: a support ticket written before a student's name or email changed names
 * them as they were.
 */
function moreSearchKeys(before: Account | undefined, was: NameBefore | null, after: Account): { names: string[]; email: string | null } {
  const renamed = was !== null && was.name !== JSON.stringify(after.person.personal['name'] ?? null);
  const names = before === undefined || renamed ? laterWordKeys(after) : [];
  if (renamed) {
    const keys = nameKeys(JSON.parse(was.name) as Fields | undefined);
    names.push(...[keys.name, keys.nameReversed, keys.nameFull, keys.nameLater].filter((key): key is string => key !== null));
  }
  const email = was?.email ?? null;
  return { names, email: email !== null && email !== lowerOrNull(after.person.personal['email']) ? email : null };
}

/** accounts: one row per Clever user, with their roles, status, schools and search keys. */
export const accountsProjection: SqliteProjection = {
  name: 'accounts',
  rebuildWeight: 61,
  description: 'one account per user: roles, status, first shared, removed at, schools, grade, personal fields',
  tables: ['accounts', 'account_search', 'account_ids', 'account_more_names'],
  // 2: names kept as search keys (accents and punctuation left out), so "Lucia Pena" finds
  // "Lucía Peña", "last first middle" in place of "last first", and each removed role kept as it
  // stood (formerFacets). (search_name_later came with a new shape of the search table; the names
  // an account had before and a compound surname's later words, account_more_names, with a table
  // of their own.) 3: a last name of two words or more also kept with its words together
  // ("De La Cruz" found by "delacruz"). 4: each role's username (credentials.district_username)
  // kept with its ids.
  contentVersion: 4,
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
      CREATE TABLE IF NOT EXISTS ${t('account_more_names')} (name TEXT NOT NULL, account_id TEXT NOT NULL, PRIMARY KEY (name, account_id)) WITHOUT ROWID;
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
    // a few rows, of the accounts renamed or with a compound surname: written as they come
    const moreName = db.prepare(`INSERT OR IGNORE INTO ${t('account_more_names')} (name, account_id) VALUES (?, ?)`);
    const moreNames: [name: string, accountId: string][] = [];
    // ids are collected after every event, not at flush: a role removed later in the same batch
    // must still leave its SIS id findable
    const found = new Map<string, Set<string>>();
    return {
      apply(event: RecordedEvent): void {
        if (!event.streamId.startsWith('user-')) return;
        const id = event.streamId.slice('user-'.length);
        const before = docs.get(id);
        const was = nameBefore(before, event);
        const next = evolveAccount(before, event);
        if (next) {
          docs.put(id, next);
          let values = found.get(id);
          if (values === undefined) found.set(id, (values = new Set([id.toLowerCase()])));
          addSearchIds(next, values);
          // names and emails are only ever added too: the account stays findable by those it had
          const more = moreSearchKeys(before, was, next);
          for (const name of more.names) moreNames.push([name, id]);
          if (more.email !== null) values.add(more.email);
        }
      },
      flush(): void {
        // ids are only ever added: a removed student stays findable by the SIS id they had
        for (const [id, values] of found) for (const value of values) ids.add(id, value);
        ids.flush();
        found.clear();
        for (const [name, id] of moreNames) moreName.run(name, id);
        moreNames.length = 0;
        docs.flush();
      },
      reset(): void {
        found.clear();
        moreNames.length = 0;
        ids.discard();
        docs.reset();
      },
    };
  },
};
