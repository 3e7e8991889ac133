/** The topic and role of a subject under the topic-name strategy. */
export interface SubjectTopic {
  topic: string;
  role: 'key' | 'value';
}

const TOPIC_NAME_STRATEGY = /^(.+)-(key|value)$/s;

/** Kafka refuses longer topic names: a longer prefix names no topic. */
const MAX_TOPIC_LENGTH = 249;

/** `orders.created-value` → topic `orders.created`, role `value`. */
export function topicOfSubject(subject: string): SubjectTopic | undefined {
  const match = TOPIC_NAME_STRATEGY.exec(subject);
  return match && match[1].length <= MAX_TOPIC_LENGTH
    ? { topic: match[1], role: match[2] as SubjectTopic['role'] }
    : undefined;
}
