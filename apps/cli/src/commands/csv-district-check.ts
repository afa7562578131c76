import type { QueryBus } from '@nestjs/cqrs';
import leven from 'leven';
import { InvalidInput } from '@roster-ledger/domain';
import { ListDistrictsQuery, type RecordedDistrict } from '@roster-ledger/ledger';

/** The districts a refusal names, the closest to the one typed first: `syncs list` shows the rest. */
const DISTRICTS_NAMED = 5;

/**
 * A CSV upload names no district, so its `--district` alone says whose it is: a mistyped one would
 * record the whole upload as a second district, every person and class twice, for good. So a
 * district the ledger does not hold, in a ledger that holds others, is taken only with
 * `--new-district`; and `--new-district` only for such a district, so that a scheduled import that
 * passes it every day is caught on its second day rather than left unguarded. A ledger that holds
 * no district yet takes any (its first district cannot be mistaken for another).
 * @returns the refusal, or null when the import may go on
 */
export async function csvDistrictRefusal(queries: QueryBus, districtId: string, newDistrict: boolean): Promise<InvalidInput | null> {
  const held = await queries.execute<ListDistrictsQuery, RecordedDistrict[]>(new ListDistrictsQuery());
  const known = held.find((d) => d.districtId === districtId);
  if (known !== undefined && newDistrict) {
    return new InvalidInput(
      `--new-district confirms the first upload of a district this ledger does not hold, but it holds district ${districtId} (${lastSyncOf(known)}): leave --new-district out`,
      { field: '--new-district' },
    );
  }
  if (known !== undefined || newDistrict || held.length === 0) return null;
  // the one meant is most likely the id closest to the one typed (the fewest characters apart)
  const closest = [...held].sort((a, b) => leven(districtId, a.districtId) - leven(districtId, b.districtId) || a.districtId.localeCompare(b.districtId));
  const named = closest.slice(0, DISTRICTS_NAMED).map((d) => `${d.districtId} (${lastSyncOf(d)})`);
  const more = held.length > named.length ? ` and ${held.length - named.length} more (see syncs list)` : '';
  return new InvalidInput(
    `--district ${districtId} is not a district this ledger holds; it holds ${named.join(', ')}${more}. ` +
      'A CSV upload names no district, so a mistyped --district would record the whole upload as a second district. ' +
      'Check the id; if this is the first upload of a new district, pass --new-district as well',
    { field: '--district' },
  );
}

function lastSyncOf({ lastSync }: RecordedDistrict): string {
  return `last sync ${lastSync.syncId}, ${lastSync.startedAt.slice(0, 10)}, ${lastSync.source} from ${lastSync.origin}`;
}
