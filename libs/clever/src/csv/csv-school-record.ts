import { normalizeCleverRecord } from '../clever-normalizer';
import type { SnapshotItem } from '../snapshot-item';
import type { CsvIds } from './csv-ids';
import type { CsvRow } from './csv-row-stream';
import { mapGrade } from './csv-value-mapping';

/**
 * A schools.csv row as the Clever API shows that school, then normalized like an API record.
 * `school_number` falls back to `School_id`: the API guarantees a school number, and Clever was
 * observed to fill it with the SIS id when the file had no `School_number` column (§7.8).
 */
export function schoolItem(row: CsvRow, ids: CsvIds): SnapshotItem {
  const sisId = row.get('School_id');
  const raw = {
    id: ids.school(sisId),
    district: ids.districtId,
    sis_id: sisId,
    name: row.get('School_name'),
    school_number: row.get('School_number') || sisId,
    state_id: row.get('State_id'),
    nces_id: row.get('Nces_id'),
    mdr_number: row.get('Mdr_number'),
    low_grade: mapGrade(row.get('Low_grade')),
    high_grade: mapGrade(row.get('High_grade')),
    phone: row.get('School_phone'),
    location: {
      address: row.get('School_address'),
      city: row.get('School_city'),
      state: row.get('School_state'),
      zip: row.get('School_zip'),
    },
    principal: { name: row.get('Principal'), email: row.get('Principal_email') },
  };
  return normalizeCleverRecord('school', raw, row.origin);
}
