/**
 * OffsetFetch version 8 (KIP-709, Kafka 3.0+): the committed offsets of
 * many groups in one request. kafkajs 2.x only speaks versions 1 to 4 (one
 * group per request); this encodes and decodes version 8 in the shape
 * kafkajs's connection sends and answers, as kafkajs's own flexible-version
 * requests do: the request body starts with the empty tagged fields that
 * complete the flexible request header, and the response body with the
 * response header's tagged fields.
 *
 *   OffsetFetch Request (Version: 8) => [groups] require_stable TAG_BUFFER
 *     groups => group_id [topics] TAG_BUFFER   (topics null: all of them)
 *   OffsetFetch Response (Version: 8) => throttle_time_ms [groups] TAG_BUFFER
 *     groups => group_id [topics] error_code TAG_BUFFER
 *       topics => name [partitions] TAG_BUFFER
 *         partitions => partition_index committed_offset
 *                       committed_leader_epoch metadata error_code TAG_BUFFER
 */

export const OFFSET_FETCH_API_KEY = 9;
export const OFFSET_FETCH_BATCH_VERSION = 8;

export interface GroupOffsetsAnswer {
  groupId: string;
  /** Non-zero: the group could not be answered (e.g. 16, not its coordinator). */
  errorCode: number;
  topics: Array<{
    topic: string;
    partitions: Array<{ partition: number; offset: string; errorCode: number }>;
  }>;
}

class Writer {
  private buf = Buffer.alloc(4096);
  private at = 0;

  private room(n: number) {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  uvarint(value: number) {
    this.room(5);
    let v = value >>> 0;
    while (v >= 0x80) {
      this.buf[this.at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.at++] = v;
  }

  int8(value: number) {
    this.room(1);
    this.buf.writeInt8(value, this.at);
    this.at += 1;
  }

  compactString(value: string) {
    const bytes = Buffer.from(value, 'utf8');
    this.uvarint(bytes.length + 1);
    this.room(bytes.length);
    bytes.copy(this.buf, this.at);
    this.at += bytes.length;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

class Reader {
  private at = 0;

  constructor(private readonly buf: Buffer) {}

  private need(n: number) {
    if (this.at + n > this.buf.length) {
      throw new Error('OffsetFetch response ended early');
    }
  }

  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      this.need(1);
      const byte = this.buf[this.at++];
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result >>> 0;
      shift += 7;
      if (shift > 28) throw new Error('OffsetFetch response: bad varint');
    }
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.at);
    this.at += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.at);
    this.at += 4;
    return v;
  }

  int64(): string {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.at);
    this.at += 8;
    return v.toString();
  }

  compactString(): string | null {
    const length = this.uvarint();
    if (length === 0) return null;
    this.need(length - 1);
    const v = this.buf.toString('utf8', this.at, this.at + length - 1);
    this.at += length - 1;
    return v;
  }

  array<T>(item: () => T): T[] {
    const length = this.uvarint();
    const result: T[] = [];
    for (let i = 0; i < length - 1; i++) result.push(item());
    return result;
  }

  taggedFields() {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint(); // tag
      const size = this.uvarint();
      this.need(size);
      this.at += size;
    }
  }
}

/** A protocol request as kafkajs's connection `send` takes it. */
export function offsetFetchBatchRequest(groupIds: string[]) {
  return {
    request: {
      apiKey: OFFSET_FETCH_API_KEY,
      apiVersion: OFFSET_FETCH_BATCH_VERSION,
      apiName: 'OffsetFetch',
      // kafkajs's connection copies the body from `buffer` of what
      // `encode` returns (one of its encoders, which keep it in `buf`).
      encode: async () => {
        const body = encodeRequest(groupIds);
        return { buf: body, buffer: body };
      },
    },
    response: {
      decode: async (payload: Buffer) => decodeResponse(payload),
      parse: async (answers: GroupOffsetsAnswer[]) => answers,
    },
  };
}

export function encodeRequest(groupIds: string[]): Buffer {
  const w = new Writer();
  w.uvarint(0); // request header tagged fields
  w.uvarint(groupIds.length + 1);
  for (const groupId of groupIds) {
    w.compactString(groupId);
    w.uvarint(0); // topics: null, every committed partition
    w.uvarint(0); // tagged fields
  }
  w.int8(0); // require_stable: false, as older versions behave
  w.uvarint(0); // tagged fields
  return w.bytes();
}

export function decodeResponse(payload: Buffer): GroupOffsetsAnswer[] {
  const r = new Reader(payload);
  r.taggedFields(); // response header
  r.int32(); // throttle_time_ms
  const groups = r.array(() => {
    const groupId = r.compactString() ?? '';
    const topics = r.array(() => {
      const topic = r.compactString() ?? '';
      const partitions = r.array(() => {
        const partition = r.int32();
        const offset = r.int64();
        r.int32(); // committed_leader_epoch
        r.compactString(); // metadata
        const errorCode = r.int16();
        r.taggedFields();
        return { partition, offset, errorCode };
      });
      r.taggedFields();
      return { topic, partitions };
    });
    const errorCode = r.int16();
    r.taggedFields();
    return { groupId, errorCode, topics };
  });
  r.taggedFields();
  return groups;
}
