import { parseWholeNumber } from './whole-number';

describe('whole numbers typed by a person', () => {
  it('reads decimal digits', () => {
    expect(parseWholeNumber('0')).toBe(0);
    expect(parseWholeNumber('50')).toBe(50);
    expect(parseWholeNumber('007')).toBe(7);
    expect(parseWholeNumber(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses anything else Number() would read as some other number', () => {
    for (const text of ['', ' ', '1e2', '0x10', '0b1', '0o7', ' 1', '1 ', '+1', '-1', '1.0', '1.5', 'Infinity', '1_000', '١٢']) {
      expect([text, parseWholeNumber(text)]).toEqual([text, null]);
    }
    // too large to be held exactly: a neighbouring number would be used instead
    expect(parseWholeNumber('9007199254740993')).toBeNull();
  });
});
