import { applyFieldChanges, diffFields, pathKeys, topField } from './field-changes';

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

  it('keeps a key with a dot or a backslash one key: escaped in the path, and applied back to the same key', () => {
    // districts name their own extension fields; `sis.code` is one key, not `sis` holding `code`
    const before = { ext: { 'sis.code': '1', plain: 'x' }, 'top.level': 'a' };
    const after = { ext: { 'sis.code': '2', plain: 'x', 'back\\slash': 'y' }, 'top.level': 'b' };
    const changes = diffFields(before, after);
    expect(changes).toEqual({
      'ext.sis\\.code': { from: '1', to: '2' },
      'ext.back\\\\slash': { from: null, to: 'y' },
      'top\\.level': { from: 'a', to: 'b' },
    });
    expect(applyFieldChanges(before, changes)).toEqual(after);
    // so the state a change leaves diffs as unchanged against the record
    expect(diffFields(applyFieldChanges(before, changes), after)).toEqual({});
    expect(pathKeys('ext.sis\\.code')).toEqual(['ext', 'sis.code']);
    expect(topField('top\\.level.x')).toBe('top.level');
    expect(pathKeys('name.first')).toEqual(['name', 'first']);
  });
});
