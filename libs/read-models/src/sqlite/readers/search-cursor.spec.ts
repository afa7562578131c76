import { InvalidInput } from '@roster-ledger/domain';
import { searchCursor, searchCursorOf, type SearchOf, type SearchPosition } from './search-cursor';

describe('the cursor of a search page', () => {
  const search: SearchOf = { kind: 'accounts', text: 'noor' };
  const position: SearchPosition = [0, 'haddad noor', '6a0000000000000000000001'];
  const next = searchCursor(search, position);

  it('names the position of the page’s last account, and reads it back', () => {
    expect(searchCursorOf(search, next)).toEqual(position);
    expect(searchCursorOf(search, searchCursor(search, [1, '', 'x']))).toEqual([1, '', 'x']);
  });

  it('refuses any text but a cursor exactly as given: base64url decoding would skip what was appended or mangled', () => {
    for (const text of [`${next}x`, `${next}=`, `${next}==`, ` ${next}`, `${next} `, `${next}\n`, `${next.slice(0, 4)}.${next.slice(4)}`, `${next}!!`]) {
      expect(() => searchCursorOf(search, text)).toThrow(InvalidInput);
      expect(() => searchCursorOf(search, text)).toThrow(/must be the next of a search page/);
    }
    for (const text of ['', '12', Buffer.from('[2,"a","b"]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url')]) {
      expect(() => searchCursorOf(search, text)).toThrow(/must be the next of a search page/);
    }
  });

  it('refuses the cursor of a class search on an account search, and the other way round: both are ordered alike', () => {
    const classes: SearchOf = { kind: 'classes', text: 'noor' };
    expect(() => searchCursorOf(classes, next)).toThrow(InvalidInput);
    expect(() => searchCursorOf(classes, next)).toThrow(/got the next of an account search page \(a class search pages only from its own\)/);
    expect(() => searchCursorOf(search, searchCursor(classes, position))).toThrow(/got the next of a class search page \(an account search pages only from its own\)/);
    expect(searchCursorOf(classes, searchCursor(classes, position))).toEqual(position);
  });

  it('refuses the cursor of a search for another text or in another district', () => {
    for (const other of [{ ...search, text: 'noo' }, { ...search, districtId: 'd1' }]) {
      expect(() => searchCursorOf(other, next)).toThrow(/got the next of a search for another text or district/);
    }
    const inDistrict = { ...search, districtId: 'd1' };
    expect(searchCursorOf(inDistrict, searchCursor(inDistrict, position))).toEqual(position);
  });

  it('carries no more of the search’s text than a digest: a search text may be a student’s name', () => {
    const named = searchCursor({ kind: 'accounts', text: 'zainab okafor' }, position);
    expect(Buffer.from(named, 'base64url').toString('utf8')).not.toContain('zainab');
  });

  it('still reads a cursor given before cursors named their search, for either kind', () => {
    const old = Buffer.from(JSON.stringify(position)).toString('base64url');
    expect(searchCursorOf(search, old)).toEqual(position);
    expect(searchCursorOf({ kind: 'classes', text: 'a' }, old)).toEqual(position);
    expect(() => searchCursorOf(search, `${old}x`)).toThrow(/must be the next of a search page/);
  });

  it('does not repeat a cursor it refuses: a damaged next still carries the name its page ended on', () => {
    const damaged = `${searchCursor(search, [0, 'schneider abbie', 'u1'])}x`;
    expect(() => searchCursorOf(search, damaged)).toThrow(`must be the next of a search page (pass on what the page before gave), got ${damaged.length} characters that are none`);
    expect(() => searchCursorOf(search, damaged)).not.toThrow(damaged);
  });
});
