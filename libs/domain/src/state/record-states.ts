import type { Fields } from '../records/fields';
import type { RecordParts, UserRole } from '../records/roster-records';
import type { RecordSource } from './record-source';

/** A record's state as the ledger knows it, with the revision of its stream. */
export interface EntityState extends RecordParts {
  id: string;
  /** Revision of the record's stream (zero-based). */
  revision: number;
  active: boolean;
  /**
   * The record's clock: Clever's `last_modified` of the newest version of the record the ledger
   * recorded (the `cleverLastModified` of its events), or, when later, the time a full sync's
   * complete view showed it gone (the `removedAsOf` of its removal): an events sync never lets an
   * older version move the record back, nor share a removed one again.
   */
  lastModified?: string;
  /** The snapshot bytes the state was made from, while it is exactly what they make (see {@link RecordSource}). */
  source?: RecordSource;
}

export interface SectionState extends EntityState {
  teachers: string[];
  primaryTeacher: string | null;
  students: string[];
}

export interface UserState {
  id: string;
  revision: number;
  /** The person's own fields (name, email), whichever role reported them. */
  personal: Fields;
  /** Active roles only. */
  roles: Partial<Record<UserRole, RecordParts>>;
  /** Every role this id ever held: a role that comes back is "shared again". */
  pastRoles: UserRole[];
  /** Clever's `last_modified` of the newest version of the person recorded (see {@link EntityState.lastModified}). */
  lastModified?: string;
  /** See {@link EntityState.source}. */
  source?: RecordSource;
}
