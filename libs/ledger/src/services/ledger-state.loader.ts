import { Inject, Injectable } from '@nestjs/common';
import { LedgerState, RECORD_KINDS } from '@roster-ledger/domain';
import type { EventStore } from '../ports/event-store.port';
import { EVENT_STORE } from '../ports/tokens';

/**
 * Builds what the ledger knows of one district by folding its roster events. Reads each record
 * category in log order and keeps the events whose metadata names the district.
 */
@Injectable()
export class LedgerStateLoader {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load(districtId: string): Promise<LedgerState> {
    const state = new LedgerState();
    for (const category of RECORD_KINDS) {
      for await (const event of this.store.readCategory(category)) {
        if (event.metadata['districtId'] !== districtId) continue;
        state.apply(event);
      }
    }
    return state;
  }
}
