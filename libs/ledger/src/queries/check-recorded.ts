import type { AuditFilter, ReadModels } from '../ports/read-models.port';
import { NotFound } from '../errors/ledger-errors';

/**
 * A mistyped district, sync or school would read as "nothing changed" (or "no one matches"): one
 * the audit feed has never recorded (a sync or school: in that district) is not found. Asked only
 * of an empty first page, each with one look-up by an index of the audit feed.
 * @throws NotFound naming the first of them that the feed has never recorded
 */
export async function checkRecorded(models: ReadModels, { districtId, syncId, schoolId }: Pick<AuditFilter, 'districtId' | 'syncId' | 'schoolId'>): Promise<void> {
  const inDistrict = districtId === undefined ? '' : ` in district ${districtId}`;
  const checks: [AuditFilter, string][] = [];
  if (districtId !== undefined) checks.push([{ districtId }, `district ${districtId}`]);
  if (syncId !== undefined) checks.push([{ districtId, syncId }, `sync ${syncId}${inDistrict}`]);
  if (schoolId !== undefined) checks.push([{ districtId, schoolId }, `school ${schoolId}${inDistrict}`]);
  for (const [only, what] of checks) {
    if ((await models.audit(only, { limit: 1 })).length === 0) throw new NotFound(what);
  }
}
