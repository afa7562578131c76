import { holdsIdTwice, mayHoldIdTwice } from './duplicate-id-key';

describe('a record holding its key id twice', () => {
  it('is looked for only in a record with "id" in it twice, or a \\u escape', () => {
    expect(mayHoldIdTwice('{"id":"a","name":{"first":"A"}}')).toBe(false);
    expect(mayHoldIdTwice('{"id":"a","id":"b"}')).toBe(true);
    expect(mayHoldIdTwice('{"id":"a","\\u0069d":"b"}')).toBe(true);
    expect(mayHoldIdTwice('{"sis_id":"a","district_id":"b"}')).toBe(false);
  });

  it('finds id held twice by the record or by an object inside it, its key decoded, and nothing else', () => {
    expect(holdsIdTwice('{"id":"a","name":"x","id":"b"}')).toBe(true);
    expect(holdsIdTwice('{"id":"a","\\u0069d":"b"}')).toBe(true);
    expect(holdsIdTwice('{"data":{"id":"a","id":"b"},"uri":"/v3.0/users/a"}')).toBe(true);
    // id in two objects, in an array's objects, or as a value is no duplicate; nor is another key held twice
    expect(holdsIdTwice('{"id":"a","school":{"id":"s"},"schools":[{"id":"s1"},{"id":"s2"}],"note":"id","x":["id","id"]}')).toBe(false);
    expect(holdsIdTwice('{"data":{"id":"a","name":{"first":"A \\" id","last":"B"}},"uri":"/v3.0/users/a"}')).toBe(false);
    expect(holdsIdTwice('{"id":"a","grade":"1","grade":"2"}')).toBe(false);
  });
});
