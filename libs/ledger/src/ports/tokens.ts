/** Nest injection tokens of the ledger's ports. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const PENDING_CHANGE_STORE = Symbol('PENDING_CHANGE_STORE');
export const CLOCK = Symbol('CLOCK');
