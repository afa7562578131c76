import { err, json, oneLine, out, outLine, visible } from './cli-output';

describe('what the CLI writes to a terminal', () => {
  const written = (write: () => void, stream: NodeJS.WriteStream = process.stdout): string => {
    const spy = jest.spyOn(stream, 'write').mockImplementation(() => true);
    try {
      write();
      return spy.mock.calls.map(([chunk]) => String(chunk)).join('');
    } finally {
      spy.mockRestore();
    }
  };

  it('writes a value that would recolour, rewrite or reorder the screen as its escapes, keeping newlines and tabs', () => {
    const name = 'Davida\u0000\u001b[31m red\rX\u0007 \u202eevil\u009b2J';
    expect(visible(name)).toBe('Davida\\x00\\x1b[31m red\\x0dX\\x07 \\u202eevil\\x9b2J');
    expect(written(() => out(`Student ${name}\n\tnext line`))).toBe('Student Davida\\x00\\x1b[31m red\\x0dX\\x07 \\u202eevil\\x9b2J\n\tnext line\n');
    expect(written(() => err(`error: ${name}`), process.stderr)).toBe('error: Davida\\x00\\x1b[31m red\\x0dX\\x07 \\u202eevil\\x9b2J\n');
    // names of every script are text, shown as they are
    expect(visible('Lucía Peña, प्रिया, Юлия, 李')).toBe('Lucía Peña, प्रिया, Юлия, 李');
  });

  it("writes a record's line with the line breaks, tabs and backslashes inside it escaped, so that it stays one line", () => {
    expect(oneLine('Smith\nJr\tII \\n \u001b')).toBe('Smith\\nJr\\tII \\\\n \\x1b');
    expect(written(() => outLine('u1  Ann Smith\nu2  Fake Student'))).toBe('u1  Ann Smith\\nu2  Fake Student\n');
  });

  it('writes JSON a terminal cannot be made to act on, that still reads back as the same values', () => {
    const value = { name: 'A\u001b[2J\u009b\u202eB\u007f\u2028C', n: 1 };
    const text = written(() => json(value));
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('writes a line or paragraph separator inside a value as its escape: readers that split lines on it would cut a record in two', () => {
    expect(written(() => outLine('u1  Ann\u2028Smith\u2029'))).toBe('u1  Ann\\u2028Smith\\u2029\n');
    expect(written(() => out('Ann\u2028Smith')).split(/\r?\n|\u2028|\u2029/)).toEqual(['Ann\\u2028Smith', '']);
  });
});
