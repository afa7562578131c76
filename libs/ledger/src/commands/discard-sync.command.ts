import type { DecisionChannel } from '@roster-ledger/domain';

/** A person discards a held sync: its pending change set is dropped, the ledger stays as it was. */
export class DiscardSyncCommand {
  constructor(
    readonly syncId: string,
    readonly by: string,
    readonly via: DecisionChannel,
  ) {}
}
