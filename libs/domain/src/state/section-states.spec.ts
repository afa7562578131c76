import { activeTally } from './active-tally';
import { LedgerState, type SectionState } from './ledger-state';
import { SectionStates, summariseSection } from './section-states';

const section = (id: string, students: string[], over: Partial<SectionState> = {}): SectionState => ({
  id,
  revision: 2,
  active: true,
  fields: { name: `Class ${id}`, school: 's1' },
  personal: {},
  teachers: ['t1'],
  primaryTeacher: 't1',
  students,
  ...over,
});

/** Sections as a first import leaves them once written ahead: by their summaries, read from `rows` when asked for. */
function writtenAhead(sections: SectionState[], rows = new Map(sections.map((s) => [s.id, JSON.stringify(s)]))): { states: SectionStates; reads: string[] } {
  const states = new SectionStates();
  const reads: string[] = [];
  states.readWith((id) => {
    reads.push(id);
    return rows.get(id);
  });
  for (const s of sections) states.restoreUnread(s.id, summariseSection(s));
  return { states, reads };
}

describe('sections kept by their summary once written ahead', () => {
  const math = section('c1', ['u1', 'u2', 'u3'], { source: { fingerprint: '1:c1' } });
  const art = section('c2', ['u4']);
  const gone = section('c3', [], { active: false, revision: 5 });

  it('answers whether each is shared, its source, and the counts the mass-change guard needs, without reading any', () => {
    const { states, reads } = writtenAhead([math, art, gone]);
    expect([states.size, [...states.keys()]]).toEqual([3, ['c1', 'c2', 'c3']]);
    expect([states.isActive('c1'), states.isActive('c3'), states.isActive('nothing')]).toEqual([true, false, undefined]);
    expect(states.sourceOf('c1')).toEqual({ fingerprint: '1:c1' });
    expect(states.activeCounts()).toEqual({ sections: 2, enrollments: 4 });
    expect(reads).toEqual([]);
  });

  it('reads a section back whole when asked for, once, and counts it the same from its state', () => {
    const { states, reads } = writtenAhead([math, art]);
    expect(states.get('c1')).toEqual(math);
    expect(states.get('c1')).toBe(states.get('c1'));
    expect(reads).toEqual(['c1']);
    expect([states.isParsed('c1'), states.isParsed('c2')]).toEqual([true, false]);
    expect(states.activeCounts()).toEqual({ sections: 2, enrollments: 4 });
  });

  it('refuses a section whose saved state moved on after it was written (another process saved the district)', () => {
    const { states } = writtenAhead([math], new Map([['c1', JSON.stringify({ ...math, revision: 9 })]]));
    expect(() => states.get('c1')).toThrow('the saved state of section c1 changed after it was loaded');
  });

  it("once written ahead, gives the guard's tally and the ledger's records the same answers as when every section is in memory", () => {
    const inMemory = new LedgerState();
    for (const s of [math, art, gone]) inMemory.restore({ category: 'section', id: s.id, state: s });
    const ahead = new LedgerState();
    for (const s of [math, art, gone]) ahead.restore({ category: 'section', id: s.id, state: structuredClone(s) });
    ahead.sections.readWith((id) => JSON.stringify([math, art, gone].find((s) => s.id === id)));
    for (const s of [math, art, gone]) ahead.keepWrittenAhead({ category: 'section', id: s.id, state: s });

    expect(activeTally(ahead)).toEqual(activeTally(inMemory));
    expect([ahead.isInMemory({ category: 'section', id: 'c1' }), inMemory.isInMemory({ category: 'section', id: 'c1' })]).toEqual([false, true]);
    expect(ahead.entry({ category: 'section', id: 'c2' })).toEqual(inMemory.entry({ category: 'section', id: 'c2' }));
  });

  it('keeps no fingerprint of what a first import wrote ahead: it has nothing of its own to recognise, and the saved state keeps them', () => {
    const ahead = new LedgerState();
    ahead.restore({ category: 'section', id: 'c1', state: structuredClone(math) });
    expect(ahead.recognise('section', 'c1', '1:c1')).toBe('c1');
    ahead.sections.readWith(() => JSON.stringify(math));
    ahead.keepWrittenAhead({ category: 'section', id: 'c1', state: math });
    expect([ahead.recognise('section', 'c1', '1:c1'), ahead.sourceOf({ category: 'section', id: 'c1' })]).toEqual([undefined, undefined]);
    // read back, the section is whole again, its source with it
    expect(ahead.sections.get('c1')).toEqual(math);
  });
});
