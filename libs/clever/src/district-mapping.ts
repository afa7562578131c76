import type { DistrictRecord } from '@roster-ledger/domain';
import { calendarDate } from './clever-dates';
import { objectOf, refuseMissingName, splitParts, text, textList } from './field-readers';
import type { PartsSpec, RecordContext } from './field-readers';
import { personName } from './common-readers';
import { HEADER_KEYS } from './record-header';
import type { RecordHeader } from './record-header';

export const DISTRICT: PartsSpec = {
  fields: {
    name: text,
    sis_type: text,
    launch_date: calendarDate,
    portal_url: text,
    login_methods: textList,
    mdr_number: text,
    nces_id: text,
  },
  personal: {
    district_contact: objectOf({ id: text, district: text, email: text, title: text, name: personName }),
  },
  // Clever's own sync status, not roster data: keeping it would record a change every day.
  // lms_state and last_attendance_sync (v3.1) are the same kind of status.
  skip: [...HEADER_KEYS, 'last_sync', 'state', 'error', 'pause_start', 'pause_end', 'lms_state', 'last_attendance_sync'],
};

export function mapDistrict(raw: Record<string, unknown>, ctx: RecordContext, header: RecordHeader): DistrictRecord {
  refuseMissingName(raw, ctx, 'district');
  return { kind: 'district', ...header, ...splitParts(raw, DISTRICT, { ctx, path: '', label: 'district' }) };
}
