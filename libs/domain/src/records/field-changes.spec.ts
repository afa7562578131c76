import { applyFieldChanges, diffFields, mergedFields, pathKeys, topField } from './field-changes';

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

  it('removes the objects a removal leaves empty, however deep, and keeps those that still hold a field', () => {
    const before = { ext: { a: { b: { c: 1 } }, d: { e: 1, f: 2 } }, name: { first: 'Ada' } };
    const after = { ext: { d: { f: 2 } }, name: { first: 'Ada' } };
    const changes = diffFields(before, after);
    expect(changes).toEqual({ 'ext.d.e': { from: 1, to: null }, 'ext.a.b.c': { from: 1, to: null } });
    expect(applyFieldChanges(before, changes)).toEqual(after);
    // every field of an object removed, many at once (a district's own `ext` dropped): the object goes
    const many = { ext: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])) };
    expect(applyFieldChanges(many, diffFields(many, {}))).toEqual({});
    const changedAll = { ext: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i + 1])) };
    expect(applyFieldChanges(many, diffFields(many, changedAll))).toEqual(changedAll);
  });

  it('finds no change when only key order differs', () => {
    expect(diffFields({ name: { first: 'A', last: 'B' } }, { name: { last: 'B', first: 'A' } })).toEqual({});
  });

  it('compares the fields named unordered as sets, and only those', () => {
    const unordered = new Set(['schools']);
    expect(diffFields({ schools: ['a', 'b'], tags: ['x', 'y'] }, { schools: ['b', 'a'], tags: ['x', 'y'] }, { unordered })).toEqual({});
    expect(diffFields({ tags: ['x', 'y'] }, { tags: ['y', 'x'] }, { unordered })).toEqual({ tags: { from: ['x', 'y'], to: ['y', 'x'] } });
    expect(diffFields({ schools: ['a', 'b'] }, { schools: ['b', 'b'] }, { unordered })).toEqual({ schools: { from: ['a', 'b'], to: ['b', 'b'] } });
    expect(diffFields({ schools: ['a'] }, {}, { unordered })).toEqual({ schools: { from: ['a'], to: null } });
  });

  it('keeps a key with a dot or a backslash one key: escaped in the path, and applied back to the same key', () => {
    // districts name their own extension fields; `sis.code` is one key, not `sis` holding `code`
    const before = { ext: { 'sis.code': '1', plain: 'x' }, 'top.level': 'a' };
    const after = { ext: { 'sis.code': '2', plain: 'x', 'back\\slash': 'y', 'both\\.x': 'z' }, 'top.level': 'b' };
    const changes = diffFields(before, after);
    expect(changes).toEqual({
      'ext.sis\\.code': { from: '1', to: '2' },
      // a key without a dot is as it is (as paths stored before escaping have it)
      'ext.back\\slash': { from: null, to: 'y' },
      'ext.both\\\\\\.x': { from: null, to: 'z' },
      'top\\.level': { from: 'a', to: 'b' },
    });
    expect(applyFieldChanges(before, changes)).toEqual(after);
    // so the state a change leaves diffs as unchanged against the record
    expect(diffFields(applyFieldChanges(before, changes), after)).toEqual({});
    expect(pathKeys('ext.sis\\.code')).toEqual(['ext', 'sis.code']);
    expect(topField('top\\.level.x')).toBe('top.level');
    expect(pathKeys('name.first')).toEqual(['name', 'first']);
    // a path stored before keys were escaped, with a backslash in a key, reads as it did
    expect(pathKeys('ext.a\\b')).toEqual(['ext', 'a\\b']);
  });

  it('treats a `__proto__` key as a key like any other: no prototype is read or replaced', () => {
    const before = JSON.parse('{"ext":{}}');
    const after = JSON.parse('{"ext":{"__proto__":{"isAdmin":true}}}');
    const changes = diffFields(before, after);
    expect(changes).toEqual({ 'ext.__proto__.isAdmin': { from: null, to: true } });
    const applied = applyFieldChanges(before, changes);
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
    // the key is the object's own, and its prototype is untouched
    expect(Object.hasOwn(applied['ext'] as object, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(applied['ext'])).not.toHaveProperty('isAdmin');
    expect(diffFields(applied, after)).toEqual({});
    expect(diffFields(after, before)).toEqual({ 'ext.__proto__.isAdmin': { from: true, to: null } });
  });

  it('sets fields named like what every object inherits (`constructor`, `toString`) as the record\'s own', () => {
    const before = JSON.parse('{"ext":{}}');
    const changes = { 'ext.constructor': { from: null, to: 'x' }, 'ext.toString': { from: null, to: 'y' } };
    const applied = applyFieldChanges(before, changes);
    expect(Object.entries(applied['ext'] as object)).toEqual([
      ['constructor', 'x'],
      ['toString', 'y'],
    ]);
    expect(diffFields(before, applied)).toEqual(changes);
  });

  it('merges two sets of fields as a spread would: the first\'s keys in order, then the second\'s, its values winning', () => {
    const first = JSON.parse('{"name":{"first":"Ada"},"email":"a@x.org","__proto__":{"isAdmin":true},"dob":"1/2/2010"}');
    const second = JSON.parse('{"dob":"3/4/2011","sis_id":"S1","constructor":"c"}');
    const merged = mergedFields(first, second);
    expect(merged).toEqual({ ...first, ...second });
    expect(Object.keys(merged)).toEqual(['name', 'email', '__proto__', 'dob', 'sis_id', 'constructor']);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(merged['dob']).toBe('3/4/2011');
    expect(merged['name']).toBe(first.name); // values are shared, as a spread's are
  });
});
