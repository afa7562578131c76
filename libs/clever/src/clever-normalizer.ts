import type { InputLocation, RecordKind, RosterRecord } from '@roster-ledger/domain';
import { RecordContext } from './field-readers';
import { mapDistrict } from './district-mapping';
import { refuseLoneSurrogates } from './lone-surrogates';
import { readHeader } from './record-header';
import type { RecordHeader } from './record-header';
import { mapSchool } from './school-mapping';
import { mapSection } from './section-mapping';
import type { NormalizedItem } from './snapshot-item';
import { mapCourse, mapTerm } from './term-course-mapping';
import { mapUser } from './user-mapping';
import type { SkippedUser } from './user-mapping';

type Mapping = (raw: Record<string, unknown>, ctx: RecordContext, header: RecordHeader) => RosterRecord | SkippedUser;

const MAPPINGS: Readonly<Record<RecordKind, Mapping>> = {
  district: mapDistrict,
  school: mapSchool,
  term: mapTerm,
  course: mapCourse,
  user: mapUser,
  section: mapSection,
};

/**
 * Turns one Clever object into a domain record: `""`, null and absent are all "no value" and
 * left out; fields and personal data are split per kind; unknown enum values are kept and listed.
 * Throws InvalidInput, at `origin` plus the record id and field, when the id or district is
 * missing, a value has the wrong type, a string holds a lone UTF-16 surrogate, a school or
 * district has no name or an empty one, a section none, or a user has no role. `readAt`: the API version the record was answered at (`v3.0`), when it is known; some
 * rules depend on it.
 */
export function normalizeCleverRecord(
  kind: RecordKind,
  raw: Record<string, unknown>,
  origin: InputLocation,
  readAt?: string,
): NormalizedItem {
  const ctx = new RecordContext(origin, readAt);
  const header = readHeader(kind, raw, ctx);
  refuseLoneSurrogates(raw, ctx);
  const mapped = MAPPINGS[kind](raw, ctx, header);
  if ('skipped' in mapped) return { type: 'skipped', reason: mapped.skipped, origin: ctx.origin };
  return { type: 'record', record: mapped, origin: ctx.origin, unknownValues: ctx.unknownValues() };
}
