import {
  EndOffsetPointWrite,
  EndOffsetPrune,
} from '../database/consumerGroups/types';

/** One end offset of a partition and when it was first and last seen. */
interface TimelinePoint {
  endOffset: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

export interface RecordResult {
  write: EndOffsetPointWrite;
  prune?: EndOffsetPrune;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * The time-lag estimate of kafka-lag-exporter: per partition, a bounded
 * table of (end offset, time) points seen by the samples; the time a
 * committed offset's message was written is interpolated on that table, and
 * the group is `now - that time` behind.
 *
 * A point keeps the first and the last time its end offset was seen, so a
 * pause in production is a flat stretch rather than a slope: a message
 * written after the pause is not dated into it.
 */
export class EndOffsetTimelines {
  private readonly timelines = new Map<string, TimelinePoint[]>();

  /** @param maxPoints - points kept per partition (the bound of the table) */
  constructor(private readonly maxPoints: number) {}

  /** Replaces the tables with stored points. */
  load(points: EndOffsetPointWrite[]): void {
    this.timelines.clear();
    const sorted = [...points].sort((a, b) => a.endOffset - b.endOffset);
    for (const p of sorted) {
      const k = key(p.topic, p.partition);
      const timeline = this.timelines.get(k) ?? [];
      timeline.push({
        endOffset: p.endOffset,
        firstSeenMs: p.firstSeenMs,
        lastSeenMs: p.lastSeenMs,
      });
      this.timelines.set(k, timeline);
    }
  }

  get size(): number {
    return this.timelines.size;
  }

  /**
   * Adds what one sample saw. Returns the row to store and, when the table
   * outgrew its bound, the stored points to drop. An end offset below the
   * last one (topic recreated, records deleted) starts the table over.
   *
   * The table is cut back to `maxPoints` only once it holds a few more: a
   * per-partition slack spreads the deletes over samples instead of
   * pruning every partition in the same one.
   */
  record(
    topic: string,
    partition: number,
    endOffset: number,
    atMs: number,
  ): RecordResult {
    const k = key(topic, partition);
    const timeline = this.timelines.get(k) ?? [];
    this.timelines.set(k, timeline);
    const last = timeline[timeline.length - 1];
    let prune: EndOffsetPrune | undefined;

    if (last && endOffset === last.endOffset) {
      last.lastSeenMs = Math.max(last.lastSeenMs, atMs);
      return { write: { topic, partition, ...last } };
    }
    if (last && endOffset < last.endOffset) {
      timeline.length = 0;
      prune = { topic, partition, belowOffset: Number.MAX_SAFE_INTEGER };
    }
    const point = { endOffset, firstSeenMs: atMs, lastSeenMs: atMs };
    timeline.push(point);
    if (timeline.length > this.maxPoints + slack(k, this.maxPoints)) {
      timeline.splice(0, timeline.length - this.maxPoints);
      prune ??= { topic, partition, belowOffset: timeline[0].endOffset };
    }
    return { write: { topic, partition, ...point }, prune };
  }

  /**
   * Seconds the consumer at `committedOffset` is behind at `nowMs`:
   * 0 when it has read everything the table knows of, undefined when the
   * table cannot date its next message (no points, or the offset is older
   * than the table and there is no rate to extrapolate with).
   */
  estimateSeconds(
    topic: string,
    partition: number,
    committedOffset: number,
    nowMs: number,
  ): number | undefined {
    const timeline = this.timelines.get(key(topic, partition));
    if (!timeline || timeline.length === 0) return undefined;
    const last = timeline[timeline.length - 1];
    if (committedOffset >= last.endOffset) return 0;

    // The next message to consume, at `committedOffset`, was written when
    // the end offset moved past it, to committedOffset + 1.
    const target = committedOffset + 1;
    const j = timeline.findIndex(p => p.endOffset >= target);
    let writtenAtMs: number;
    if (j > 0) {
      const before = timeline[j - 1];
      const after = timeline[j];
      writtenAtMs =
        before.lastSeenMs +
        ((target - before.endOffset) / (after.endOffset - before.endOffset)) *
          (after.firstSeenMs - before.lastSeenMs);
    } else {
      // Older than the table: extrapolate with its average rate.
      const first = timeline[0];
      const spanMs = last.firstSeenMs - first.firstSeenMs;
      const spanOffsets = last.endOffset - first.endOffset;
      if (spanMs <= 0 || spanOffsets <= 0) return undefined;
      writtenAtMs =
        first.firstSeenMs - ((first.endOffset - target) * spanMs) / spanOffsets;
    }
    return Math.max(0, (nowMs - writtenAtMs) / 1000);
  }
}

/** 1 .. maxPoints/2 extra points, fixed per partition. */
function slack(k: string, maxPoints: number): number {
  let hash = 0;
  for (let i = 0; i < k.length; i++) {
    hash = (hash * 31 + k.charCodeAt(i)) | 0;
  }
  return 1 + (Math.abs(hash) % Math.max(1, Math.ceil(maxPoints / 2)));
}
