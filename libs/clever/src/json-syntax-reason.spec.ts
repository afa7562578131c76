import { plainJsonReason } from './json-syntax-reason';

describe("the JSON parser's reasons, in plain words", () => {
  it.each([
    ['Unexpected STRING ("Ada") in state COLON', "found a string where ':' after a key should be"],
    ['Unexpected "@" at chunk position "3" (absolute position "40") in state START', 'unexpected character "@"'],
    ['Tokenizer ended in the middle of a token (state: STRING_DEFAULT). Either not all the data was received or the data was invalid.', 'it ends inside a string'],
    ['Tokenizer ended in the middle of a token (state: STRING_UNICODE_DIGIT_2). Either not all the data was received or the data was invalid.', 'it ends inside a string'],
    ['Tokenizer ended in the middle of a token (state: NUMBER_AFTER_FULL_STOP). Either not all the data was received or the data was invalid.', 'it ends inside a number'],
    ['Tokenizer ended in the middle of a token (state: FALSE3). Either not all the data was received or the data was invalid.', 'it ends inside false'],
    ['Parser ended in mid-parsing (state: KEY). Either not all the data was received or the data was invalid.', 'it ends where a key in double quotes should be'],
    ['Parser ended in mid-parsing (state: COMMA). Either not all the data was received or the data was invalid.', "it ends where ',' or the end of the object or list should be"],
    ['something else entirely', 'something else entirely'],
  ])('%s', (reason, plain) => {
    expect(plainJsonReason(reason)).toBe(plain);
  });
});
