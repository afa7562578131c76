/** The ledger's clock: injected so that tests and replays control time. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
