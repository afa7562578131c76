import { InvalidInput } from '@roster-ledger/domain';
import { searchCursor, searchCursorOf, type SearchPosition } from './search-cursor';

describe('the cursor of a search page', () => {
  const position: SearchPosition = [0, 'haddad noor', '6a0000000000000000000001'];
  const next = searchCursor(position);

  it('names the position of the page’s last account, and reads it back', () => {
    expect(searchCursorOf(next)).toEqual(position);
    expect(searchCursorOf(searchCursor([1, '', 'x']))).toEqual([1, '', 'x']);
  });

  it('refuses any text but a cursor exactly as given: base64url decoding would skip what was appended or mangled', () => {
    for (const text of [`${next}x`, `${next}=`, `${next}==`, ` ${next}`, `${next} `, `${next}\n`, `${next.slice(0, 4)}.${next.slice(4)}`, `${next}!!`]) {
      expect(() => searchCursorOf(text)).toThrow(InvalidInput);
      expect(() => searchCursorOf(text)).toThrow(/must be the next of a search page/);
    }
    for (const text of ['', '12', Buffer.from('[2,"a","b"]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url')]) {
      expect(() => searchCursorOf(text)).toThrow(/must be the next of a search page/);
    }
  });
});
