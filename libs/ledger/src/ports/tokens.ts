/** Nest injection tokens of the ledger's ports. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const PENDING_CHANGE_STORE = Symbol('PENDING_CHANGE_STORE');
export const SYNC_LOCK = Symbol('SYNC_LOCK');
export const SNAPSHOT_READER = Symbol('SNAPSHOT_READER');
export const GUARD_POLICIES = Symbol('GUARD_POLICIES');
export const CLOCK = Symbol('CLOCK');
export const PROJECTION_CONTROL = Symbol('PROJECTION_CONTROL');
export const READ_MODELS = Symbol('READ_MODELS');
export const ACCESS_LOG = Symbol('ACCESS_LOG');
export const CLEVER_EVENTS_FEED = Symbol('CLEVER_EVENTS_FEED');
export const DISTRICT_STATE_STORE = Symbol('DISTRICT_STATE_STORE');
/** The log's seals (see LogSeals): bound by the store that keeps the log. */
export const LOG_SEALS = Symbol('LOG_SEALS');
/** The ledger's key for CSV ids (see CsvIdKeyStore): bound by the store that keeps the log. */
export const CSV_ID_KEY_STORE = Symbol('CSV_ID_KEY_STORE');
