import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { readPositiveInt } from './configReaders';
import { MessagesConfig } from './types';
import { parseMaskPattern } from '../messages/maskFields';

/** The hard bounds of one message read; config may only lower them. */
const MESSAGE_READ_LIMITS = {
  maxMessages: 500,
  maxBytes: 5 * 1024 * 1024,
  timeoutMs: 10_000,
} as const;

function readBound(
  config: Config | undefined,
  key: keyof typeof MESSAGE_READ_LIMITS,
): number {
  const path = 'kafkaHub.messages';
  const limit = MESSAGE_READ_LIMITS[key];
  const value = readPositiveInt(config, key, path, limit);
  if (value > limit) {
    throw new InputError(
      `${path}.${key} may only lower the bound of ${limit}, got ${value}`,
    );
  }
  return value;
}

/** `kafkaHub.messages`: the bounds of a read and the masked fields. */
export function readMessages(config: Config | undefined): MessagesConfig {
  const mask = config?.getOptionalStringArray('mask') ?? [];
  mask.forEach((pattern, i) => {
    try {
      parseMaskPattern(pattern);
    } catch (error) {
      throw new InputError(
        `kafkaHub.messages.mask[${i}] ${(error as Error).message}`,
      );
    }
  });
  return {
    maxMessages: readBound(config, 'maxMessages'),
    maxBytes: readBound(config, 'maxBytes'),
    timeoutMs: readBound(config, 'timeoutMs'),
    mask,
  };
}
