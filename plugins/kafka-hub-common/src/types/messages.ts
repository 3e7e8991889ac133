/**
 * How a message's key or value was decoded: with its schema from the
 * registry (Confluent wire format), or, without one, as JSON, text or hex.
 *
 * @public
 */
export type KafkaMessageFormat =
  | 'avro'
  | 'protobuf'
  | 'json-schema'
  | 'json'
  | 'text'
  | 'hex';

/**
 * A decoded key or value of a message. Fields configured in
 * `kafkaHub.messages.mask` are replaced by `"***"`.
 *
 * @public
 */
export interface KafkaMessagePart {
  /** How it was decoded. */
  format: KafkaMessageFormat;
  /** The decoded data: JSON-like for schema formats and json, a string for text and hex. */
  data: unknown;
  /** The registry's schema id, for the schema formats. */
  schemaId?: number;
  /** Why the schema format could not be decoded; `data` is then json, text or hex. */
  error?: string;
  /** Size as stored, in bytes. */
  sizeBytes: number;
}

/**
 * A message header: its value as text when it is printable UTF-8, else hex.
 *
 * @public
 */
export interface KafkaMessageHeader {
  /** The header's name. */
  key: string;
  /** Its value as text or hex; null for a null value. */
  value: string | null;
  /** Whether `value` is text or hex. */
  format: 'text' | 'hex';
}

/**
 * One message read from a topic.
 *
 * @public
 */
export interface KafkaMessage {
  /** The partition it was read from. */
  partition: number;
  /** Its offset in the partition (a string: offsets are 64-bit). */
  offset: string;
  /** ISO 8601. */
  timestamp: string;
  /** Absent for a message without a key. */
  key?: KafkaMessagePart;
  /** Absent for a tombstone (null value). */
  value?: KafkaMessagePart;
  /** Its headers, in order. */
  headers: KafkaMessageHeader[];
}

/**
 * Where a message read starts in each partition.
 *
 * @public
 */
export type KafkaMessageStart = 'latest' | 'offset' | 'timestamp';

/**
 * Why a message read stopped: `limit` (the message bound), `bytes` (the
 * byte bound), `time` (the time bound), `end` (every partition read up to
 * its end offset when the read started).
 *
 * @public
 */
export type KafkaMessageReadStop = 'limit' | 'bytes' | 'time' | 'end';

/**
 * The range of one partition a read covered.
 *
 * @public
 */
export interface KafkaMessagePartitionRange {
  /** The partition. */
  partition: number;
  /** The first offset asked for. */
  startOffset: string;
  /** The offset after the last message returned (where a next read would start). */
  nextOffset: string;
  /** The partition's end offset when the read started. */
  endOffset: string;
}

/**
 * Messages of one topic in one environment, newest last within each
 * partition, with the bounds that applied.
 *
 * @public
 */
export interface KafkaMessageList {
  /** The environment read. */
  environment: string;
  /** The topic read. */
  topic: string;
  /** The messages, by partition, then offset. */
  messages: KafkaMessage[];
  /** The range each partition covered. */
  partitions: KafkaMessagePartitionRange[];
  /** Why the read stopped. */
  stoppedBy: KafkaMessageReadStop;
  /** The bounds that applied (`kafkaHub.messages`). */
  bounds: {
    /** Most messages of a read. */
    maxMessages: number;
    /** Most bytes of a read. */
    maxBytes: number;
    /** Longest a read runs, in milliseconds. */
    timeoutMs: number;
  };
}
