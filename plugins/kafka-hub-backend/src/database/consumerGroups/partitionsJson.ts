import { PartitionOffsets } from './types';

/**
 * A group's latest per-partition offsets as one JSON value (the
 * `partitions` column of `kafka_hub_consumer_group_offsets`), by topic:
 * `[{"t": topic, "p": [[partition, committed, end, lag, timeLagSeconds], ...]}]`
 * with null for "no committed offset" (not zero) and "no estimate". One
 * value per group keeps a sample's write at one row per group, whatever
 * the number of partitions.
 */
type Encoded = Array<{
  t: string;
  p: Array<[number, number | null, number, number | null, number | null]>;
}>;

export function encodePartitions(partitions: PartitionOffsets[]): string {
  const topics = new Map<string, Encoded[number]>();
  for (const p of partitions) {
    let topic = topics.get(p.topic);
    if (!topic) {
      topic = { t: p.topic, p: [] };
      topics.set(p.topic, topic);
    }
    topic.p.push([
      p.partition,
      p.committedOffset ?? null,
      p.endOffset,
      p.lag ?? null,
      p.timeLagSeconds ?? null,
    ]);
  }
  return JSON.stringify([...topics.values()]);
}

export function decodePartitions(json: string): PartitionOffsets[] {
  const result: PartitionOffsets[] = [];
  for (const { t, p } of JSON.parse(json) as Encoded) {
    for (const [partition, committed, end, lag, timeLag] of p) {
      result.push({
        topic: t,
        partition,
        committedOffset: committed ?? undefined,
        endOffset: end,
        lag: lag ?? undefined,
        timeLagSeconds: timeLag ?? undefined,
      });
    }
  }
  return result;
}
