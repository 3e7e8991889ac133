import {
  LagSeries,
  LagSeriesSet,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { compareNames } from '../database/consumerGroups/lagSeriesJson';
import {
  LagSeriesBucket,
  PartitionLagAggregate,
  TopicLagAggregate,
} from '../database/consumerGroups';
import { LagSeriesPlan } from './lagHistoryPlan';

/** Series a chart still reads: every topic up to this many... */
const MAX_TOPIC_SERIES = 20;
/** ...or the partitions with the highest lag. */
const TOP_PARTITION_SERIES = 10;

/**
 * The lag per topic or per partition of a range, from its buckets: one
 * series per topic or partition with a committed offset in the range,
 * ranked by the largest lag sampled in the range (then by name); the
 * first {@link MAX_TOPIC_SERIES} topics or {@link TOP_PARTITION_SERIES}
 * partitions.
 */
export function lagSeriesSet(
  by: 'topic' | 'partition',
  buckets: readonly LagSeriesBucket[],
  plan: LagSeriesPlan,
): LagSeriesSet {
  const series = new Map<string, LagSeries>();
  const add = (
    key: string,
    of: { topic: string; partition?: number },
    time: string,
    aggregate: TopicLagAggregate | PartitionLagAggregate,
  ) => {
    let s = series.get(key);
    if (!s) {
      s = { ...of, maxLag: 0, points: [] };
      series.set(key, s);
    }
    s.maxLag = Math.max(s.maxLag, aggregate.maxLag);
    s.points.push({
      time,
      lag: Math.round(aggregate.sumLag / Math.max(1, aggregate.samples)),
      maxLag: aggregate.maxLag,
      samples: aggregate.samples,
    });
  };
  for (const bucket of buckets) {
    const time = new Date(bucket.bucketStartMs).toISOString();
    for (const topic of bucket.topics) {
      if (by === 'topic') {
        add(topic.topic, { topic: topic.topic }, time, topic);
        continue;
      }
      for (const p of topic.partitions) {
        add(
          `${topic.topic}\u0000${p.partition}`,
          { topic: topic.topic, partition: p.partition },
          time,
          p,
        );
      }
    }
  }
  const items = [...series.values()]
    .sort(
      (a, b) =>
        b.maxLag - a.maxLag ||
        compareNames(a.topic, b.topic) ||
        (a.partition ?? 0) - (b.partition ?? 0),
    )
    .slice(0, by === 'topic' ? MAX_TOPIC_SERIES : TOP_PARTITION_SERIES);
  return {
    by,
    resolution: plan.resolution,
    bucketSeconds: plan.bucketMs / 1000,
    from: new Date(plan.fromMs).toISOString(),
    total: series.size,
    items,
  };
}
