import {
  decodeResponse,
  encodeRequest,
  offsetFetchBatchRequest,
} from './offsetFetchBatch';

const uvarint = (n: number) => {
  const bytes = [];
  let v = n;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
};
const compact = (s: string | null) =>
  s === null
    ? uvarint(0)
    : Buffer.concat([
        uvarint(Buffer.byteLength(s) + 1),
        Buffer.from(s, 'utf8'),
      ]);
const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const int64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
};
const noTags = uvarint(0);

describe('OffsetFetch version 8', () => {
  it('asks for every committed partition of each group', () => {
    expect(encodeRequest(['a', 'bé'])).toEqual(
      Buffer.concat([
        noTags, // flexible request header
        uvarint(3), // two groups
        compact('a'),
        uvarint(0), // all topics
        noTags,
        compact('bé'),
        uvarint(0),
        noTags,
        Buffer.from([0]), // require_stable
        noTags,
      ]),
    );
    const { request } = offsetFetchBatchRequest(['a']);
    expect(request).toMatchObject({ apiKey: 9, apiVersion: 8 });
  });

  it('reads the offsets and errors of each group, skipping tagged fields', async () => {
    const partition = (index: number, offset: bigint, error = 0) =>
      Buffer.concat([
        int32(index),
        int64(offset),
        int32(-1), // leader epoch
        compact(null), // metadata
        int16(error),
        noTags,
      ]);
    const payload = Buffer.concat([
      // A response header tagged field, tag 0 with 2 bytes.
      uvarint(1),
      uvarint(0),
      uvarint(2),
      Buffer.from([7, 7]),
      int32(0), // throttle
      uvarint(3),
      compact('a'),
      uvarint(2),
      compact('orders'),
      uvarint(3),
      partition(0, 12n),
      partition(1, 9_007_199_254_740_993n),
      noTags,
      int16(0),
      noTags,
      compact('b'),
      uvarint(1),
      int16(16), // NOT_COORDINATOR
      noTags,
      noTags,
    ]);
    const { response } = offsetFetchBatchRequest([]);
    expect(await response.decode(payload)).toEqual([
      {
        groupId: 'a',
        errorCode: 0,
        topics: [
          {
            topic: 'orders',
            partitions: [
              { partition: 0, offset: '12', errorCode: 0 },
              { partition: 1, offset: '9007199254740993', errorCode: 0 },
            ],
          },
        ],
      },
      { groupId: 'b', errorCode: 16, topics: [] },
    ]);
    expect(() => decodeResponse(payload.subarray(0, 20))).toThrow(
      'OffsetFetch response ended early',
    );
  });
});
