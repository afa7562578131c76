/**
 * What a check of the log against its seals found (see LogSeals). Positions are the log's; a
 * range is inclusive.
 */
export interface LogSealReport {
  /** Events the log holds, and the last one's position. */
  events: number;
  head: number;
  /** Seals checked (each one append's), and the position up to which the log is as its seals say. */
  seals: number;
  sealedUpTo: number;
  /** Events recorded before the first seal (by a release that kept none): the check covers none of them. */
  unsealedBefore: number;
  /** Events after the last seal that is whole: appended by a release that keeps none, or added from outside. */
  unsealedAfter: number;
  /**
   * Events under no seal between two seals, a range for each run of them (before a break, if
   * any): appended by a release that keeps none (a rollback, then an upgrade), or added by hand
   * before the next append sealed on. The appends after them still chain to the seal before, so
   * the check goes on past them; the log is not as recorded all the same, since nothing vouches
   * for these events.
   */
  unsealedBetween: { from: number; to: number; events: number }[];
  /** The last seal found whole: its hash names the whole log up to it, to be kept elsewhere and checked against later. */
  lastSeal: { position: number; sha256: string } | null;
  /** The first append whose events are not as they were recorded, and how; null when none. */
  broken: { from: number; to: number; reason: string } | null;
  /**
   * For a seal asked after (`expect`): whether the chain holds it whole, and where; null when none
   * was asked after. `checked: false` when a seal of that hash lies past where the chain breaks:
   * not found whole, but not gone either (`position` says where it is). `found: false` with a
   * `position` and no `checked`: it is the seal where the chain breaks, whose events are not the
   * ones it sealed. `position: null`: no seal of the log has that hash.
   */
  expected: { position: number | null; found: boolean; checked?: false } | null;
}

/**
 * The log's seals: each append also records a hash of its events chained to the seal before,
 * so that an event changed, removed or added afterwards is found (the log is tamper-evident).
 */
export interface LogSeals {
  /**
   * Reads the whole log in order and checks each seal, as the log stood when the check began:
   * what is appended meanwhile is left out. `expect`: a seal's hash kept from before (the last one
   * a check printed), which the chain must still hold.
   */
  verify(options?: { expect?: string }): Promise<LogSealReport>;

  /**
   * The seal the last append recorded, as stored (not checked: `verify` checks), and the log's
   * head: cheap, for keeping the seal somewhere the ledger's writers cannot write.
   */
  latest(): Promise<LatestLogSeal>;
}

/** The last seal recorded, null while no append has sealed its events, and the log's last position then. */
export interface LatestLogSeal {
  head: number;
  seal: { position: number; sha256: string } | null;
}
