import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';

// Readers of optional keys of a config section (itself optional): each
// returns the fallback when the key is absent and throws an InputError
// naming `${path}.${key}` when it is malformed.

const APPLICATION_PLACEHOLDER = '{application}';

export function readPositiveInt(
  config: Config | undefined,
  key: string,
  path: string,
  fallback: number,
): number {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new InputError(
      `${path}.${key} must be a positive whole number, got ${value}`,
    );
  }
  return value;
}

export function readWholeNumber(
  config: Config | undefined,
  key: string,
  path: string,
  fallback: number,
): number {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new InputError(
      `${path}.${key} must be a whole number of 0 or more, got ${value}`,
    );
  }
  return value;
}

/** A share from 0 to 1, e.g. 0.5 for half. */
export function readShare(
  config: Config | undefined,
  key: string,
  path: string,
  fallback: number,
): number {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!(value >= 0 && value <= 1)) {
    throw new InputError(
      `${path}.${key} must be a share from 0 to 1 (e.g. 0.5 for half), got ${value}`,
    );
  }
  return value;
}

/** A pattern that must contain `{application}`, so every application gets its own. */
export function readPattern(
  config: Config | undefined,
  key: string,
  path: string,
  fallback: string,
): string {
  const value = config?.getOptionalString(key);
  if (value === undefined) return fallback;
  if (!value.includes(APPLICATION_PLACEHOLDER)) {
    throw new InputError(
      `${path}.${key} must contain ${APPLICATION_PLACEHOLDER}, got "${value}"`,
    );
  }
  return value;
}

/** A duration (`'7d'`, ISO 8601 or `{ days: 7 }`) in milliseconds. */
export function readDurationMs(
  config: Config | undefined,
  key: string,
  path: string,
  fallback: HumanDuration,
): number {
  if (!config?.has(key)) return durationToMilliseconds(fallback);
  try {
    return durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch (error) {
    throw new InputError(
      `${path}.${key} is not a valid duration: ${(error as Error).message}`,
    );
  }
}

export function readSchedule(
  config: Config | undefined,
  key: string,
  path: string,
  fallback: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  if (!config?.has(key)) return fallback;
  try {
    return readSchedulerServiceTaskScheduleDefinitionFromConfig(
      config.getConfig(key),
    );
  } catch (error) {
    throw new InputError(
      `${path}.${key} is not a valid schedule: ${(error as Error).message}`,
    );
  }
}
