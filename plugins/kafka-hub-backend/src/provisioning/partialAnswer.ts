import { describeKafkaError } from '../kafka';

/** One item (a topic, a config resource) a batch answer refused. */
export interface RefusedItem {
  name: string;
  /** The broker's error code name, e.g. `TOPIC_ALREADY_EXISTS`. */
  code: string;
  /** One line: the code, its meaning and the broker's own message. */
  description: string;
}

interface ResponseErrorLike {
  code?: string;
  errors?: unknown[];
  response?: Record<string, unknown>;
}

interface ProtocolErrorLike {
  apiId?: string;
  path?: string;
}

/** The last answer under the retry aggregates whose `list` names the items. */
function lastAnswer(
  error: unknown,
  list: string,
): ResponseErrorLike | undefined {
  let found: ResponseErrorLike | undefined;
  const visit = (current: unknown) => {
    if (typeof current !== 'object' || current === null) return;
    const candidate = current as ResponseErrorLike;
    if (
      candidate.code === 'PLT_KFK_RESPONSE' &&
      Array.isArray(candidate.response?.[list])
    ) {
      found = candidate;
      return;
    }
    candidate.errors?.forEach(visit);
  };
  visit(error);
  return found;
}

/**
 * What the broker answered to a batch request (CreateTopics' `topics`,
 * DescribeConfigs' `results`) that the client rejected because some items
 * failed: every item of the last answer, and the refused ones each with
 * its own error. Undefined when the request failed as a whole (no
 * connection, a timeout), so that no item has an answer.
 */
export function partialAnswer<T>(
  error: unknown,
  list: 'topics' | 'results',
  nameOf: (item: T) => string,
): { items: T[]; refused: RefusedItem[] } | undefined {
  const answer = lastAnswer(error, list);
  if (!answer) return undefined;
  const items = answer.response![list] as T[];
  const pattern = new RegExp(`^/${list}/(\\d+)$`);
  const refused = (answer.errors ?? []).flatMap(cause => {
    const { apiId, path } = cause as ProtocolErrorLike;
    const item = items[Number(pattern.exec(path ?? '')?.[1])];
    if (!apiId || item === undefined) return [];
    return [
      {
        name: nameOf(item),
        code: apiId,
        description: describeKafkaError(cause),
      },
    ];
  });
  return refused.length > 0 ? { items, refused } : undefined;
}
