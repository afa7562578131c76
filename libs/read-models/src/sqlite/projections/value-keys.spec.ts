import { openReadModelDatabase } from '../read-model-database';
import { ValueKeys } from './value-keys';

describe('ValueKeys: small integer keys for repeated values', () => {
  const setUp = () => {
    const db = openReadModelDatabase(':memory:');
    ValueKeys.create(db, 'keys');
    return { db, keys: new ValueKeys(db, 'keys') };
  };

  it('gives each value of a kind one key, in the order values are first met, the same value of another kind another', () => {
    const { keys } = setUp();
    expect([keys.keyOf('sync', 's1'), keys.keyOf('sync', 's2'), keys.keyOf('sync', 's1'), keys.keyOf('district', 's1')]).toEqual([1, 2, 1, 3]);
  });

  it('finds the keys stored by an earlier writer', () => {
    const { db, keys } = setUp();
    keys.keyOf('type', 'StudentShared');
    keys.keyOf('type', 'StudentRemoved');
    expect(new ValueKeys(db, 'keys').keyOf('type', 'StudentRemoved')).toBe(2);
  });

  it('after a rolled-back transaction and a reset, hands out keys that exist (none that the rollback took away)', () => {
    const { db, keys } = setUp();
    expect(() =>
      db.transaction(() => {
        keys.keyOf('sync', 'rolled-back');
        throw new Error('the batch failed');
      })(),
    ).toThrow('the batch failed');
    keys.reset();
    const key = keys.keyOf('sync', 'kept');
    expect(keys.keyOf('sync', 'rolled-back')).not.toBe(key);
    expect(db.prepare('SELECT kind, value FROM keys ORDER BY key').all()).toEqual([
      { kind: 'sync', value: 'kept' },
      { kind: 'sync', value: 'rolled-back' },
    ]);
  });
});
