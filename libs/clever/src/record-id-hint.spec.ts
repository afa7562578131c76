import { recordIdHint } from './record-id-hint';

const hint = (text: string) => recordIdHint(Buffer.from(text));

describe('recordIdHint: the id a record\'s bytes probably hold, without parsing them', () => {
  it('takes the string after the first "id" key, in a record or an item of the list envelope', () => {
    expect(hint('{"name":"Ada","id":"u1","roles":{}}')).toBe('u1');
    expect(hint('{"data":{"created":"x","id":"5b3819a35cb2bdcda5000000"},"uri":"/v3.0/users/5b38"}')).toBe('5b3819a35cb2bdcda5000000');
    expect(hint('{\n  "id" :\t "é1"\n}')).toBe('é1');
  });

  it('passes over "id" where it is not a key', () => {
    expect(hint('{"tags":["id","x"],"id":"u2"}')).toBe('u2');
    expect(hint('{"sis_id":"s1","id":"u3"}')).toBe('u3');
  });

  it('gives no hint where it would have to parse: an escaped id, a number, an empty or overlong one, none at all', () => {
    expect(hint('{"id":"u\\u0031"}')).toBeUndefined();
    expect(hint('{"id":12}')).toBeUndefined();
    expect(hint('{"id":""}')).toBeUndefined();
    expect(hint(`{"id":"${'x'.repeat(300)}"}`)).toBeUndefined();
    expect(hint('{"name":"Ada"}')).toBeUndefined();
    expect(hint('{"id":"cut')).toBeUndefined();
  });
});
