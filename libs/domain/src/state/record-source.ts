import type { RecordKind } from '../records/roster-records';

/**
 * Where a record's state came from, when a full sync last diffed it from a snapshot's bytes: their
 * fingerprint, and the fields in them holding values outside Clever's enumerations (the diff
 * counts those on every sync). A state keeps it only while the state is exactly what those bytes
 * make: any event folded into the record drops it, and the sync that diffed the bytes sets it
 * again once the events it planned for them are folded in.
 */
export interface RecordSource {
  fingerprint: string;
  unknownValues?: string[];
  /**
   * For a section: every user it lists was a user the ledger knew when its source was noted. The
   * ledger never forgets a user, so a sync meeting the same bytes need only ask which of them
   * its snapshot no longer shows (see SnapshotDiff.addUnchanged).
   */
  listsKnownUsers?: true;
}

/**
 * Records a snapshot reader need not parse: those whose bytes are the ones the ledger's state of
 * them was made from. Same bytes, same record, same state: diffing them again plans nothing.
 */
export interface KnownRecords {
  /** The district whose state this is: a record it recognises belongs to it. */
  districtId: string;
  /**
   * `id` when the state of the record of `kind` with this id was made from bytes with this
   * fingerprint, while it still is. The id may come from a guess at the bytes (see
   * recordIdHint): the fingerprint decides.
   */
  recognise(kind: RecordKind, id: string, fingerprint: string): string | undefined;
}
