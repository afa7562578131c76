import type { CourseDef } from './curriculum';
import type { IdFactory } from './object-ids';
import type { SchoolTable } from './school-plan';
import type { SectionTable } from './section-plan';
import type { StaffTable } from './staff-plan';
import type { StudentTable } from './student-table';

export interface DistrictInfo {
  id: string;
  name: string;
  /** Email domain of staff; students use `students.<domain>`. */
  domain: string;
  portalSlug: string;
  /** Staff row of the district admin named as the district contact. */
  contact: number;
  /** Offsets that turn ordinals into SIS and state numbers (differ per seed). */
  sisOffset: number;
  stateOffset: number;
}

export interface TermRow {
  id: string;
  name: string;
  start: string;
  end: string;
  createdMs: number;
  /** Listed in terms.json of this snapshot (Clever drops terms no section uses). */
  listed: boolean;
}

export interface CourseRow {
  id: string;
  createdMs: number;
  def: CourseDef;
}

/**
 * Everything one snapshot folder holds. Derived snapshots (churn, rollover) are new states that
 * share the base's unchanged arrays and copy the ones they change.
 */
export interface DistrictState {
  seed: string;
  ids: IdFactory;
  district: DistrictInfo;
  schools: SchoolTable;
  terms: TermRow[];
  courses: CourseRow[];
  students: StudentTable;
  staff: StaffTable;
  sections: SectionTable;
  /** The snapshot's time: the district's last_sync, and the last_modified of every record flagged modified. */
  snapshotMs: number;
}
