import { PartitionOffsets } from './types';

/** Lag of one partition over one or more samples. */
export interface PartitionLagAggregate {
  partition: number;
  /** Samples with a committed offset on the partition. */
  samples: number;
  sumLag: number;
  maxLag: number;
}

/**
 * Lag of one topic (the sum over its partitions with a committed offset)
 * over one or more samples, with its partitions.
 */
export interface TopicLagAggregate {
  topic: string;
  samples: number;
  sumLag: number;
  maxLag: number;
  partitions: PartitionLagAggregate[];
}

/**
 * The `topics` column of `kafka_hub_consumer_group_lag_series`:
 * `[{"t": topic, "n": samples, "s": sum, "m": max, "p": [[partition, samples, sum, max], ...]}]`.
 * A raw row is one sample (every `n` is 1); a rollup's sums and maxima
 * are over its samples.
 */
type Encoded = Array<{
  t: string;
  n: number;
  s: number;
  m: number;
  p: Array<[number, number, number, number]>;
}>;

/**
 * One sample's lag by topic and partition. Partitions without a committed
 * offset have no lag (not zero) and are left out; so is a topic with none.
 */
export function sampleTopics(
  partitions: readonly PartitionOffsets[],
): TopicLagAggregate[] {
  const topics = new Map<string, TopicLagAggregate>();
  for (const p of partitions) {
    if (p.lag === undefined) continue;
    let topic = topics.get(p.topic);
    if (!topic) {
      topic = {
        topic: p.topic,
        samples: 1,
        sumLag: 0,
        maxLag: 0,
        partitions: [],
      };
      topics.set(p.topic, topic);
    }
    topic.sumLag += p.lag;
    topic.partitions.push({
      partition: p.partition,
      samples: 1,
      sumLag: p.lag,
      maxLag: p.lag,
    });
  }
  const result = sorted([...topics.values()]);
  for (const topic of result) topic.maxLag = topic.sumLag;
  return result;
}

export function encodeTopics(topics: readonly TopicLagAggregate[]): string {
  const encoded: Encoded = topics.map(t => ({
    t: t.topic,
    n: t.samples,
    s: t.sumLag,
    m: t.maxLag,
    p: t.partitions.map(p => [p.partition, p.samples, p.sumLag, p.maxLag]),
  }));
  return JSON.stringify(encoded);
}

export function decodeTopics(json: string): TopicLagAggregate[] {
  return (JSON.parse(json) as Encoded).map(t => ({
    topic: t.t,
    samples: t.n,
    sumLag: t.s,
    maxLag: t.m,
    partitions: t.p.map(([partition, samples, sumLag, maxLag]) => ({
      partition,
      samples,
      sumLag,
      maxLag,
    })),
  }));
}

/**
 * Aggregates over several periods as one: samples and sums add up, the
 * maximum is the largest. A topic's maximum stays the largest topic lag of
 * one sample, not a sum of its partitions' maxima.
 */
export function mergeTopics(
  lists: ReadonlyArray<readonly TopicLagAggregate[]>,
): TopicLagAggregate[] {
  const topics = new Map<
    string,
    TopicLagAggregate & { byPartition: Map<number, PartitionLagAggregate> }
  >();
  for (const list of lists) {
    for (const t of list) {
      let topic = topics.get(t.topic);
      if (!topic) {
        topic = {
          topic: t.topic,
          samples: 0,
          sumLag: 0,
          maxLag: 0,
          partitions: [],
          byPartition: new Map(),
        };
        topics.set(t.topic, topic);
      }
      topic.samples += t.samples;
      topic.sumLag += t.sumLag;
      topic.maxLag = Math.max(topic.maxLag, t.maxLag);
      for (const p of t.partitions) {
        const prior = topic.byPartition.get(p.partition);
        if (!prior) {
          topic.byPartition.set(p.partition, { ...p });
          continue;
        }
        prior.samples += p.samples;
        prior.sumLag += p.sumLag;
        prior.maxLag = Math.max(prior.maxLag, p.maxLag);
      }
    }
  }
  return sorted(
    [...topics.values()].map(({ byPartition, ...topic }) => ({
      ...topic,
      partitions: [...byPartition.values()],
    })),
  );
}

function sorted(topics: TopicLagAggregate[]): TopicLagAggregate[] {
  topics.sort((a, b) => compareNames(a.topic, b.topic));
  for (const topic of topics) {
    topic.partitions.sort((a, b) => a.partition - b.partition);
  }
  return topics;
}

/** Code-unit order: the same on every locale. */
export function compareNames(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
