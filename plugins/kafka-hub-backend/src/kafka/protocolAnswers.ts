import {
  type Admin,
  ProtocolError,
  protocolErrorsCodesById,
} from '@platformatic/kafka';

/** The API version ranges a cluster announced (ApiVersions). */
export type ApiVersionRanges = Awaited<ReturnType<Admin['listApis']>>;

/**
 * The answer of a protocol API call whose items (groups, partitions) carry
 * their own error codes. The client's parser throws a `ResponseError`
 * holding the whole parsed answer when any item has one; callers judge
 * each item by its own code instead, so one item's error fails no other.
 */
export async function answerDespiteItemErrors<T>(
  request: Promise<T>,
): Promise<T> {
  try {
    return await request;
  } catch (error) {
    const { code, response } = (error ?? {}) as {
      code?: string;
      response?: unknown;
    };
    if (code === 'PLT_KFK_RESPONSE' && response) return response as T;
    throw error;
  }
}

/** An item's broker error code as the error the client would raise for it. */
export function itemError(code: number, message?: string | null): Error {
  if (protocolErrorsCodesById[code] === undefined) {
    return new Error(
      `Kafka error code ${code}${message ? `: ${message}` : ''}`,
    );
  }
  return new ProtocolError(code, message ?? null);
}

/**
 * The first of `candidates` (protocol API versions, newest first) within
 * the range the cluster announced, or undefined.
 */
export function newestSupported<
  T extends { api: { key: number; version: number } },
>(apis: ApiVersionRanges, candidates: readonly T[]): T | undefined {
  return candidates.find(candidate =>
    apis.some(
      a =>
        a.apiKey === candidate.api.key &&
        a.minVersion <= candidate.api.version &&
        candidate.api.version <= a.maxVersion,
    ),
  );
}
