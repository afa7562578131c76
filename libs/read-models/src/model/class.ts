import { evolveSection, type SectionEvent } from '@roster-ledger/domain';
import type { ClassRecordView, RecordedEvent } from '@roster-ledger/ledger';
import { factsOf } from './event-facts';

/** One class per Clever section, as the read model keeps it: what readers see, plus when it last changed. */
export interface ClassView extends ClassRecordView {
  lastChangedAt: string;
}

/** Folds one event of a `section-` stream into its class. Mutates and returns it. */
export function evolveClass(view: ClassView | undefined, event: RecordedEvent): ClassView | undefined {
  if (view && event.position <= view.position) return view;
  const section = evolveSection(view?.section, event.revision, { type: event.type, data: event.data } as unknown as SectionEvent);
  if (!section) return view;
  const facts = factsOf(event);
  const next: ClassView = view ?? {
    id: section.id,
    districtId: facts.districtId,
    status: 'active',
    section,
    firstSharedAt: facts.observedAt,
    firstSharedSync: facts.syncId,
    sharedAgainSyncs: [],
    lastChangedAt: facts.observedAt,
    removedAt: null,
    removedSync: null,
    position: event.position,
  };
  next.section = section;
  next.lastChangedAt = facts.observedAt;
  next.position = event.position;
  if (!section.active && next.status === 'active') {
    Object.assign(next, { status: 'removed', removedAt: facts.observedAt, removedSync: facts.syncId });
  } else if (section.active && next.status === 'removed') {
    Object.assign(next, { status: 'active', removedAt: null, removedSync: null });
    if (facts.syncId !== null) next.sharedAgainSyncs = [...next.sharedAgainSyncs, facts.syncId];
  }
  return next;
}
