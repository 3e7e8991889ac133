import { KafkaTopicDrift } from '@kafka-hub/backstage-plugin-kafka-hub-common';

const count = (n: number) => `${n} partition${n === 1 ? '' : 's'}`;

/** A declared topic: its full name and the partitions it should have. */
export interface DeclaredTopic {
  topic: string;
  partitions: number;
}

/**
 * How the topics on the broker (under the application's namespace) differ
 * from its declaration: declared but missing, there but undeclared, or
 * with fewer partitions than declared (Kafka never lowers a count, so more
 * partitions than declared is not drift: the provisioner left them). By
 * topic name.
 */
export function topicDrift(
  declared: readonly DeclaredTopic[],
  onBroker: ReadonlyArray<{ topic: string; partitions: number }>,
): KafkaTopicDrift[] {
  const present = new Map(onBroker.map(t => [t.topic, t.partitions]));
  const wanted = new Map(declared.map(t => [t.topic, t.partitions]));
  const drift: KafkaTopicDrift[] = [];
  for (const { topic, partitions: declaredPartitions } of declared) {
    const partitions = present.get(topic);
    if (partitions === undefined) {
      drift.push({
        kind: 'missing',
        topic,
        declaredPartitions,
        message: `Declared with ${count(
          declaredPartitions,
        )}, not on the broker`,
      });
    } else if (partitions < declaredPartitions) {
      drift.push({
        kind: 'fewer-partitions',
        topic,
        declaredPartitions,
        partitions,
        message: `${count(partitions)}, ${declaredPartitions} declared`,
      });
    }
  }
  for (const { topic, partitions } of onBroker) {
    if (!wanted.has(topic)) {
      drift.push({
        kind: 'undeclared',
        topic,
        partitions,
        message: 'On the broker under the namespace, not declared',
      });
    }
  }
  return drift.sort(
    (a, b) => a.topic.localeCompare(b.topic) || a.kind.localeCompare(b.kind),
  );
}
