import { bothCoverages, type PartialCoverage } from '@roster-ledger/domain';
import { isPlainObject } from './field-readers';

/**
 * A student's fields Clever gives only to an app granted a scope of their own (ELL, FRL, IEP and
 * home language, with v3.1's ISO code of it: clever-data.md §0.10 and §6). Without the scope the keys are not in the record
 * at all (Clever's v3.0 demo district has none of them); with it, a student without a value has
 * the key, empty. So a key missing from a Data API or Events API record means the app no longer
 * receives the field, not that the SIS cleared it: left as the ledger has it, and counted in the
 * sync's `kept` under the label below, as a v3.1 field read at v3.0 is. (A CSV upload says so by
 * its columns instead: see csv-coverage.)
 */
export const SCOPED_STUDENT_FIELDS: readonly string[] = ['ell_status', 'frl_status', 'home_language', 'home_language_code', 'iep_status'];

/** One coverage per base coverage and set of missing keys: the diff combines each once, not per record. */
const INTERNED = new Map<PartialCoverage | undefined, Map<number, PartialCoverage>>();

/**
 * `base` (what the record's API version does not give, if anything) with the scoped student
 * fields a raw Clever user record lacks. `base` itself when it has all of them, or has no
 * student role.
 */
export function coverageWithScopes(raw: Record<string, unknown>, base: PartialCoverage | undefined): PartialCoverage | undefined {
  const roles = raw['roles'];
  const student = isPlainObject(roles) ? roles['student'] : undefined;
  if (!isPlainObject(student)) return base;
  let missing = 0;
  SCOPED_STUDENT_FIELDS.forEach((field, bit) => {
    if (!(field in student)) missing |= 1 << bit;
  });
  if (missing === 0) return base;
  let byMissing = INTERNED.get(base);
  if (byMissing === undefined) INTERNED.set(base, (byMissing = new Map()));
  let coverage = byMissing.get(missing);
  if (coverage === undefined) {
    const fields = SCOPED_STUDENT_FIELDS.filter((_field, bit) => (missing & (1 << bit)) !== 0);
    const scoped: PartialCoverage = { fields: { student: Object.fromEntries(fields.map((field) => [field, `${field} (not in the record: Clever gives it only under a scope of its own)`])) } };
    // a field the version does not have at all keeps the version's label: that is why it is missing
    coverage = bothCoverages(scoped, base)!;
    byMissing.set(missing, coverage);
  }
  return coverage;
}
