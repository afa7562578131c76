import type { Viewer } from '../access/viewer';
import type { LoggedChange } from '../ports/read-models.port';
import type { RelatedRecord } from './timeline-related';

/**
 * The changes a held sync would append, in the order it would append them, a page at a time: what
 * a person deciding on it reads before approving or discarding (the counts alone do not say which
 * 200 students it would remove).
 */
export class GetPendingChangesQuery {
  constructor(
    readonly syncId: string,
    readonly viewer: Viewer,
    /** `after`: the `index` of the last change of the page before; `types`: only these event types. */
    readonly options: { types?: readonly string[]; after?: number; limit: number },
  ) {}
}

/** One change a held sync would append, as its role may see it. */
export interface PendingChange extends Pick<LoggedChange, 'streamId' | 'type' | 'data'> {
  /** Its place in the change set, from 1: the cursor of the next page (`after`). */
  index: number;
  /** The records it names (the person or class it is about, the class and person of an enrollment), named as the read models know them now. */
  related: RelatedRecord[];
}

export interface PendingChangesPage {
  syncId: string;
  districtId: string | null;
  /** Roster events the sync would append, of every type. */
  pending: number;
  items: PendingChange[];
  /** The `after` of the next page; null on the last. */
  next: string | null;
}
