import type { SchoolRecord } from '@roster-ledger/domain';
import { moment } from './clever-dates';
import { GRADES } from './clever-enums';
import { objectOf, oneOf, refuseMissingName, splitParts, text } from './field-readers';
import type { PartsSpec, RecordContext } from './field-readers';
import { ext, location } from './common-readers';
import { HEADER_KEYS } from './record-header';
import type { RecordHeader } from './record-header';

export const SCHOOL: PartsSpec = {
  fields: {
    name: text,
    sis_id: text,
    school_number: text,
    state_id: text,
    nces_id: text,
    mdr_number: text,
    low_grade: oneOf(GRADES),
    high_grade: oneOf(GRADES),
    phone: text,
    location,
    created: moment,
    ext,
  },
  personal: { principal: objectOf({ name: text, email: text }) },
  skip: HEADER_KEYS,
};

export function mapSchool(raw: Record<string, unknown>, ctx: RecordContext, header: RecordHeader): SchoolRecord {
  refuseMissingName(raw, ctx, 'school');
  return { kind: 'school', ...header, ...splitParts(raw, SCHOOL, { ctx, path: '', label: 'school' }) };
}
