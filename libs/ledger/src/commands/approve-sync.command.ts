import type { DecisionChannel } from '@roster-ledger/domain';

/** A person approves a held sync: its pending change set is applied exactly as previewed. */
export class ApproveSyncCommand {
  constructor(
    readonly syncId: string,
    readonly by: string,
    readonly via: DecisionChannel,
  ) {}
}
