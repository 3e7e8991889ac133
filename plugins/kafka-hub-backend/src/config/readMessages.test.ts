import { JsonValue } from '@backstage/types';
import { ConfigReader } from '@backstage/config';
import { readMessages } from './readMessages';

const read = (messages: JsonValue) =>
  readMessages(new ConfigReader({ messages }).getOptionalConfig('messages'));

describe('readMessages', () => {
  it('defaults to the hard bounds and no mask', () => {
    expect(readMessages(undefined)).toEqual({
      maxMessages: 500,
      maxBytes: 5 * 1024 * 1024,
      timeoutMs: 10_000,
      mask: [],
    });
  });

  it('takes lower bounds and the mask', () => {
    expect(
      read({
        maxMessages: 50,
        maxBytes: 1024,
        timeoutMs: 2000,
        mask: ['*.email', 'card.number'],
      }),
    ).toEqual({
      maxMessages: 50,
      maxBytes: 1024,
      timeoutMs: 2000,
      mask: ['*.email', 'card.number'],
    });
  });

  it('refuses to raise a bound, naming the key', () => {
    expect(() => read({ maxMessages: 501 })).toThrow(
      'kafkaHub.messages.maxMessages may only lower the bound of 500, got 501',
    );
    expect(() => read({ timeoutMs: 0 })).toThrow(
      /timeoutMs must be a positive/,
    );
  });

  it('refuses a malformed mask entry, naming it', () => {
    expect(() => read({ mask: ['ok', 'card..number'] })).toThrow(
      /kafkaHub\.messages\.mask\[1\].*"card\.\.number"/,
    );
  });
});
