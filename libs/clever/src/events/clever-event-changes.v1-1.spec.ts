import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IncrementalDiff, LedgerState, type PlannedEvent } from '@roster-ledger/domain';
import { readCleverEvent } from '../api/clever-event';
import { normalizeCleverRecord } from '../clever-normalizer';
import { cleverChangeOf } from './clever-event-changes';

/**
 * Clever's own recorded `sections.updated` events (v1.1 demo district, 2014; ../shared/data is
 * not part of a user's clone): each one's `previous_attributes` rebuilt into the section the
 * ledger held before, then the event mapped and diffed against it. The enrollment events must be
 * exactly the set differences of the old and new `students`, and nothing else may change.
 */
const EVENTS = resolve(__dirname, '../../../../../shared/data/clever-ruby-v1.1-demo-api/events.json');

type Raw = Record<string, unknown> & { id: string; data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> } };

describe('the real recorded v1.1 sections.updated events', () => {
  const present = existsSync(EVENTS);
  const page = present ? (JSON.parse(readFileSync(EVENTS, 'utf8')) as { data: { data: Raw }[]; links: { rel: string; uri: string }[] }) : undefined;
  const items = page?.data.map((item) => item.data) ?? [];
  // the page's own address (`/v1.1/districts/<id>/events`): its sections name their one `teacher`
  const pageUri = page?.links.find((link) => link.rel === 'self')?.uri ?? 'events.json';

  it('are there to test against', () => {
    if (!present) {
      console.warn(`skipped: ${EVENTS} is absent (../shared/data is not part of a user's clone); the mapping is also tested with constructed events`);
      return;
    }
    expect(items.map((e) => e['type'])).toEqual(Array(7).fill('sections.updated'));
  });

  it('yield exactly the StudentUnenrolled / StudentEnrolled set differences of previous_attributes.students, or the field change', () => {
    if (!present) return;
    let enrollmentChanges = 0;
    for (const [index, raw] of items.entries()) {
      const event = readCleverEvent(raw, pageUri, index);
      const districtId = String(event.object['district']);
      const before = { ...event.object, ...event.previousAttributes };

      // given: the ledger holds the section as it was before the event
      const state = new LedgerState();
      const previous = normalizeCleverRecord('section', before, { file: 'previous_attributes', record: index });
      if (previous.type !== 'record') throw new Error('expected a section');
      new IncrementalDiff(state, { syncId: 'given', districtId }).apply({ type: 'upsert', record: previous.record, unknownValues: [] });

      // when: the event arrives
      const { cleverEventId, change, origin } = cleverChangeOf(event, districtId);
      const planned: PlannedEvent[] = new IncrementalDiff(state, { syncId: 'events', districtId }).apply(change, { cleverEventId, origin });

      // then: the set differences, computed here from Clever's own old and new lists
      const oldStudents = (before['students'] as string[]) ?? [];
      const newStudents = (event.object['students'] as string[]) ?? [];
      const expectedEnrollments = [
        ...oldStudents.filter((s) => !newStudents.includes(s)).map((studentId) => ['StudentUnenrolled', studentId]),
        ...newStudents.filter((s) => !oldStudents.includes(s)).map((studentId) => ['StudentEnrolled', studentId]),
      ];
      const enrollments = planned.filter((e) => e.type === 'StudentEnrolled' || e.type === 'StudentUnenrolled');
      expect(enrollments.map((e) => [e.type, (e.data as { studentId: string }).studentId])).toEqual(expectedEnrollments);
      enrollmentChanges += enrollments.length;

      const fieldChanges = Object.keys(event.previousAttributes ?? {}).filter((key) => key !== 'students');
      const updated = planned.filter((e) => e.type === 'SectionUpdated');
      if (fieldChanges.length === 0) expect(updated).toEqual([]);
      else {
        expect(updated).toHaveLength(1);
        const changes = (updated[0]!.data as { changes: Record<string, { from: unknown; to: unknown }> }).changes;
        for (const key of fieldChanges) expect(changes[key]).toEqual({ from: event.previousAttributes![key], to: event.object[key] });
      }
      expect(planned.every((e) => e.cleverEventId === event.id)).toBe(true);
      expect(planned.filter((e) => !['StudentEnrolled', 'StudentUnenrolled', 'SectionUpdated'].includes(e.type))).toEqual([]);
    }
    // the first event drops one student from section 771 (clever-data.md §5.2)
    expect(enrollmentChanges).toBe(1);
  });
});
