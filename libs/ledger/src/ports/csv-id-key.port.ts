/**
 * The ledger's key for the ids of records read from Clever's SFTP CSV uploads, which Clever's CSVs
 * do not give and are derived from SIS ids (see the CSV reader's csvRecordId). A SIS id is
 * personal data: a digest of it under a key that no answer shows cannot be turned back into it.
 *
 * The key is made once per ledger and kept with the log, never changed: every id of the district's
 * records depends on it, and another key would record every person and class of a CSV district as
 * removed and shared again. A ledger that recorded CSV ids before it had a key keeps deriving them
 * without one, for the same reason.
 */
export interface CsvIdKeyStore {
  /** The key, made the first time it is asked for (a ledger's first sync); null for a ledger whose CSV ids were derived without one. */
  csvIdKey(): Promise<Uint8Array | null>;
}
