import {
  EndOffsetPointWrite,
  EndOffsetPrune,
} from '../database/consumerGroups/types';

/** One end offset of a partition and when it was first and last seen. */
interface TimelinePoint {
  endOffset: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** The last-seen time the database has for the point. */
  storedLastSeenMs: number;
}

export interface RecordResult {
  /** The point the sample saw, when the database should get it. */
  write?: EndOffsetPointWrite;
  /**
   * The point the new one follows, with its final last-seen time, when the
   * database has an earlier one.
   */
  settle?: EndOffsetPointWrite;
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
 *
 * What the database must get is returned by {@link EndOffsetTimelines.record}:
 * a new point, and the final last-seen time of the point it follows. With a
 * `refreshMs` above zero, a partition whose end offset did not move is only
 * written once its stored last-seen time is about that old (so retention
 * keeps the point): an idle partition costs no write per sample. The
 * latest sample's end offsets (stored with the group offsets) bring the
 * last-seen times up to date after a reload, see
 * {@link EndOffsetTimelines.seen}.
 */
export class EndOffsetTimelines {
  private readonly timelines = new Map<string, TimelinePoint[]>();

  /**
   * @param maxPoints - points kept per partition (the bound of the table)
   * @param refreshMs - how stale a stored last-seen time may get; 0 writes
   *   every sighting
   */
  constructor(
    private readonly maxPoints: number,
    private readonly refreshMs = 0,
  ) {}

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
        storedLastSeenMs: p.lastSeenMs,
      });
      this.timelines.set(k, timeline);
    }
  }

  /**
   * A sighting known from elsewhere (the end offsets of the latest stored
   * sample): moves the last-seen time of the partition's newest point when
   * it has that end offset. Nothing to write: it is stored already.
   */
  seen(topic: string, partition: number, endOffset: number, atMs: number) {
    const timeline = this.timelines.get(key(topic, partition));
    const last = timeline?.[timeline.length - 1];
    if (last && last.endOffset === endOffset && atMs > last.lastSeenMs) {
      last.lastSeenMs = atMs;
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
    let settle: EndOffsetPointWrite | undefined;

    if (last && endOffset === last.endOffset) {
      last.lastSeenMs = Math.max(last.lastSeenMs, atMs);
      const due =
        this.refreshMs <= 0 ||
        last.lastSeenMs - last.storedLastSeenMs >=
          this.refreshMs - jitter(k, this.refreshMs);
      if (!due) return {};
      last.storedLastSeenMs = last.lastSeenMs;
      return { write: toWrite(topic, partition, last) };
    }
    if (last && endOffset < last.endOffset) {
      timeline.length = 0;
      prune = { topic, partition, belowOffset: Number.MAX_SAFE_INTEGER };
    } else if (last && last.storedLastSeenMs < last.lastSeenMs) {
      last.storedLastSeenMs = last.lastSeenMs;
      settle = toWrite(topic, partition, last);
    }
    const point = {
      endOffset,
      firstSeenMs: atMs,
      lastSeenMs: atMs,
      storedLastSeenMs: atMs,
    };
    timeline.push(point);
    if (timeline.length > this.maxPoints + slack(k, this.maxPoints)) {
      timeline.splice(0, timeline.length - this.maxPoints);
      prune ??= { topic, partition, belowOffset: timeline[0].endOffset };
    }
    return { write: toWrite(topic, partition, point), settle, prune };
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

function toWrite(
  topic: string,
  partition: number,
  point: TimelinePoint,
): EndOffsetPointWrite {
  return {
    topic,
    partition,
    endOffset: point.endOffset,
    firstSeenMs: point.firstSeenMs,
    lastSeenMs: point.lastSeenMs,
  };
}

function hashOf(k: string): number {
  let hash = 0;
  for (let i = 0; i < k.length; i++) {
    hash = (hash * 31 + k.charCodeAt(i)) | 0;
  }
  return Math.abs(hash);
}

/** 1 .. maxPoints/2 extra points, fixed per partition. */
function slack(k: string, maxPoints: number): number {
  return 1 + (hashOf(k) % Math.max(1, Math.ceil(maxPoints / 2)));
}

/**
 * 0 .. refreshMs/2, fixed per partition: idle partitions refresh their
 * stored last-seen times over several samples, not all in the same one.
 */
function jitter(k: string, refreshMs: number): number {
  return hashOf(k) % Math.max(1, Math.floor(refreshMs / 2));
}
