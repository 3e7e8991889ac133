import { LagHistoryRange } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import {
  DAY_MS,
  HistoryResolution,
  HOUR_MS,
  LAG_SERIES_MS,
  LagSeriesResolution,
  RetentionWindows,
} from '../database/consumerGroups';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;

const RANGE_MS: Record<LagHistoryRange, number> = {
  '1h': HOUR_MS,
  '6h': 6 * HOUR_MS,
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
};

/** At most this many points per chart. */
const MAX_POINTS = 500;

/** Bucket widths a chart reads well in, smallest first. */
const BUCKETS_MS = [
  10 * SECOND_MS,
  30 * SECOND_MS,
  MINUTE_MS,
  2 * MINUTE_MS,
  5 * MINUTE_MS,
  10 * MINUTE_MS,
  15 * MINUTE_MS,
  30 * MINUTE_MS,
  HOUR_MS,
  2 * HOUR_MS,
  3 * HOUR_MS,
  6 * HOUR_MS,
  12 * HOUR_MS,
  DAY_MS,
  2 * DAY_MS,
  7 * DAY_MS,
];

const RESOLUTION_MS: Record<HistoryResolution, number> = {
  raw: 0,
  hour: HOUR_MS,
  day: DAY_MS,
};

export interface LagHistoryPlan {
  fromMs: number;
  toMs: number;
  resolution: HistoryResolution;
  bucketMs: number;
}

/**
 * Where a history range is answered from: raw samples while the range fits
 * their retention, else hourly rollups, else daily ones; and the smallest
 * readable bucket that keeps the chart at or under {@link MAX_POINTS}.
 */
export function lagHistoryPlan(
  range: LagHistoryRange,
  nowMs: number,
  retention: Pick<RetentionWindows, 'rawMs' | 'hourlyMs'>,
): LagHistoryPlan {
  const rangeMs = RANGE_MS[range];
  let resolution: HistoryResolution = 'day';
  if (rangeMs <= retention.rawMs) resolution = 'raw';
  else if (rangeMs <= retention.hourlyMs) resolution = 'hour';
  return {
    ...bucketsOf(rangeMs, RESOLUTION_MS[resolution], nowMs),
    resolution,
  };
}

export interface LagSeriesPlan {
  fromMs: number;
  toMs: number;
  resolution: LagSeriesResolution;
  bucketMs: number;
}

/**
 * Where the lag by topic and partition of a range is answered from: raw
 * rows while the range fits the partition history's window, else
 * half-hourly rollups (kept like the raw lag history), hourly or daily
 * ones; in buckets no finer than the resolution's period.
 */
export function lagSeriesPlan(
  range: LagHistoryRange,
  nowMs: number,
  retention: Pick<
    RetentionWindows,
    'rawMs' | 'hourlyMs' | 'partitionHistoryMs'
  >,
): LagSeriesPlan {
  const rangeMs = RANGE_MS[range];
  let resolution: LagSeriesResolution = 'day';
  if (rangeMs <= retention.partitionHistoryMs) resolution = 'raw';
  else if (rangeMs <= retention.rawMs) resolution = 'halfhour';
  else if (rangeMs <= retention.hourlyMs) resolution = 'hour';
  return {
    ...bucketsOf(rangeMs, LAG_SERIES_MS[resolution], nowMs),
    resolution,
  };
}

/**
 * The smallest readable bucket of at least `minimumMs` that keeps the
 * chart at or under {@link MAX_POINTS}, and the range in whole buckets.
 */
function bucketsOf(rangeMs: number, minimumMs: number, nowMs: number) {
  const bucketMs =
    BUCKETS_MS.find(b => b >= minimumMs && rangeMs / b <= MAX_POINTS) ??
    BUCKETS_MS[BUCKETS_MS.length - 1];
  // Whole buckets, so the first point is not a sliver of one.
  const toMs = nowMs + 1;
  const fromMs = Math.floor((toMs - rangeMs) / bucketMs) * bucketMs;
  return { fromMs, toMs, bucketMs };
}
