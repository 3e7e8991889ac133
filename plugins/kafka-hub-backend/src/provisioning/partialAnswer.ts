import { describeKafkaError } from '../kafka';

/** One topic a CreateTopics answer refused. */
export interface TopicFailure {
  topic: string;
  /** The broker's error code name, e.g. `TOPIC_ALREADY_EXISTS`. */
  code: string;
  /** One line: the code, its meaning and the broker's own message. */
  description: string;
}

interface ResponseErrorLike {
  code?: string;
  errors?: unknown[];
  response?: { topics?: Array<{ name: string }> };
}

interface ProtocolErrorLike {
  apiId?: string;
  path?: string;
}

/** The last CreateTopics answer under the retry aggregates, if the broker answered. */
function lastCreateTopicsAnswer(error: unknown): ResponseErrorLike | undefined {
  let found: ResponseErrorLike | undefined;
  const visit = (current: unknown) => {
    if (typeof current !== 'object' || current === null) return;
    const candidate = current as ResponseErrorLike;
    if (
      candidate.code === 'PLT_KFK_RESPONSE' &&
      Array.isArray(candidate.response?.topics)
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
 * The topics a failed `admin.createTopics` refused, each with its own error
 * (the others of the request were created). Undefined when the request as a
 * whole failed (no connection, a timeout) and no topic has an answer.
 */
export function topicFailures(error: unknown): TopicFailure[] | undefined {
  const answer = lastCreateTopicsAnswer(error);
  if (!answer) return undefined;
  const topics = answer.response!.topics!;
  const failures = (answer.errors ?? []).flatMap(cause => {
    const { apiId, path } = cause as ProtocolErrorLike;
    const index = Number(/^\/topics\/(\d+)$/.exec(path ?? '')?.[1]);
    const topic = topics[index]?.name;
    if (!apiId || topic === undefined) return [];
    return [{ topic, code: apiId, description: describeKafkaError(cause) }];
  });
  return failures.length > 0 ? failures : undefined;
}
