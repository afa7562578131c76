import { firstDuplicateKey, mayHoldIdTwice } from './duplicate-key';

describe('a key held twice by one object of a record', () => {
  it('is looked for only in a record with "id" in it twice', () => {
    expect(mayHoldIdTwice('{"id":"a","name":{"first":"A"}}')).toBe(false);
    expect(mayHoldIdTwice('{"id":"a","id":"b"}')).toBe(true);
    expect(mayHoldIdTwice('{"sis_id":"a","district_id":"b"}')).toBe(false);
  });

  it('finds a key held twice by the record or by an object inside it, decoded, and nothing in a record without one', () => {
    expect(firstDuplicateKey('{"id":"a","name":"x","id":"b"}')).toBe('id');
    expect(firstDuplicateKey('{"id":"a","\\u0069d":"b"}')).toBe('id');
    expect(firstDuplicateKey('{"id":"a","roles":{"student":{"grade":"1","grade":"2"}}}')).toBe('grade');
    // the same key in two objects, in an array's objects, or as a value is no duplicate
    expect(firstDuplicateKey('{"id":"a","school":{"id":"s"},"schools":[{"id":"s1"},{"id":"s2"}],"note":"id","x":["id","id"]}')).toBeNull();
    expect(firstDuplicateKey('{"data":{"id":"a","name":{"first":"A \\" id","last":"B"}},"uri":"/v3.0/users/a"}')).toBeNull();
    expect(firstDuplicateKey('{"data":{"id":"a","id":"b"},"uri":"/v3.0/users/a"}')).toBe('id');
  });
});
