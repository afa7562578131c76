import { applyFieldChanges, diffFields } from './field-changes';

describe('field-level changes', () => {
  it('diffs nested objects by path and arrays as whole values, and applying the diff gives the new record', () => {
    const before = { name: { first: 'Ada', last: 'Lovelace' }, schools: ['a'], grade: '9', location: { zip: '1' } };
    const after = { name: { first: 'Ada', last: 'King' }, schools: ['a', 'b'], dob: '2010-01-02' };
    const changes = diffFields(before, after);
    expect(changes).toEqual({
      'name.last': { from: 'Lovelace', to: 'King' },
      schools: { from: ['a'], to: ['a', 'b'] },
      dob: { from: null, to: '2010-01-02' },
      grade: { from: '9', to: null },
      'location.zip': { from: '1', to: null },
    });
    expect(applyFieldChanges(before, changes)).toEqual(after);
  });

  it('finds no change when only key order differs', () => {
    expect(diffFields({ name: { first: 'A', last: 'B' } }, { name: { last: 'B', first: 'A' } })).toEqual({});
  });
});
