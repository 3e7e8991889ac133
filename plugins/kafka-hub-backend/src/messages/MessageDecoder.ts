import https from 'https';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import {
  KafkaMessage,
  KafkaMessageFormat,
  KafkaMessageHeader,
  KafkaMessagePart,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { SchemaRegistryConfig } from '../config/types';
import { tlsConnectionOptions } from '../kafka/kafkaClientOptions';
import { FieldMask } from './maskFields';
import { RawMessage } from './MessageReader';

/** Confluent wire format: magic byte 0, a 4-byte schema id, the payload. */
const WIRE_HEADER_BYTES = 5;

const FORMAT_OF_SCHEMA_TYPE: Record<string, KafkaMessageFormat> = {
  [SchemaType.AVRO]: 'avro',
  [SchemaType.PROTOBUF]: 'protobuf',
  [SchemaType.JSON]: 'json-schema',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });
// Printable: no control characters but tab, line feed and carriage return.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The bytes as text when they are valid, printable UTF-8. */
function printableText(bytes: Buffer): string | undefined {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  return CONTROL.test(text) ? undefined : text;
}

/**
 * A decoded value as plain JSON data: protobuf messages through their own
 * JSON form (64-bit integers and enums as strings), bytes as hex, bigints
 * as strings, dates as ISO strings.
 */
function toJsonData(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return value;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return Buffer.from(value).toString('hex');
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonData);
  if (value instanceof Map) {
    return Object.fromEntries(
      [...value].map(([k, v]) => [String(k), toJsonData(v)]),
    );
  }
  // protobufjs messages (and Long values) know their JSON form.
  const toJSON = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof toJSON === 'function' && '$type' in value) {
    return toJSON.call(value);
  }
  const data: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    data[name] = toJsonData(field);
  }
  return data;
}

/** The registry of one environment, as `@kafkajs/confluent-schema-registry` calls it. */
export function createSchemaRegistry(
  config: SchemaRegistryConfig,
): SchemaRegistry {
  return new SchemaRegistry({
    host: config.url.replace(/\/+$/, ''),
    clientId: 'kafka-hub',
    auth:
      config.username !== undefined && config.password !== undefined
        ? { username: config.username, password: config.password }
        : undefined,
    agent: config.tls
      ? new https.Agent(tlsConnectionOptions(config.tls))
      : undefined,
    // One attempt: a message read has its own time bound.
    retry: { retries: 0 },
    middlewares: config.token
      ? [
          () => ({
            async prepareRequest(next) {
              const request = await next();
              return request.enhance({
                headers: { authorization: `Bearer ${config.token}` },
              });
            },
          }),
        ]
      : [],
  });
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // The first line only: registry answers can carry long bodies.
  return message.split('\n')[0].slice(0, 300);
}

/**
 * Decodes messages: keys and values in the Confluent wire format with
 * their schema from the environment's registry (Avro, Protobuf, JSON
 * Schema), anything else as JSON if it parses, UTF-8 text if printable,
 * else hex. A message that does not decode keeps its fallback form and an
 * error; it never fails the read. Masked fields are replaced before the
 * result leaves the decoder. Keeps the registry's schemas cached.
 */
export class MessageDecoder {
  constructor(
    private readonly registry: SchemaRegistry | undefined,
    private readonly mask: FieldMask,
  ) {}

  /** Decodes one read's messages; a schema id that failed is not asked again in the same read. */
  async decodeAll(messages: RawMessage[]): Promise<KafkaMessage[]> {
    const failedSchemas = new Map<number, string>();
    const result: KafkaMessage[] = [];
    for (const message of messages) {
      result.push({
        partition: message.partition,
        offset: message.offset.toString(),
        timestamp: new Date(Number(message.timestamp)).toISOString(),
        key: message.key
          ? await this.decodePart(message.key, failedSchemas)
          : undefined,
        value: message.value
          ? await this.decodePart(message.value, failedSchemas)
          : undefined,
        headers: message.headers.map(([key, value]) => header(key, value)),
      });
    }
    return result;
  }

  private async decodePart(
    bytes: Buffer,
    failedSchemas: Map<number, string>,
  ): Promise<KafkaMessagePart> {
    const sizeBytes = bytes.length;
    if (bytes.length >= WIRE_HEADER_BYTES && bytes[0] === 0) {
      const schemaId = bytes.readInt32BE(1);
      let error = failedSchemas.get(schemaId);
      if (!this.registry) {
        error = 'no schema registry is configured for this environment';
      } else if (error === undefined) {
        try {
          const decoded = await this.registry.decode(bytes);
          const type = this.registry.cache.getSchema(schemaId)?.type;
          return {
            format: FORMAT_OF_SCHEMA_TYPE[type ?? ''] ?? 'avro',
            data: this.mask.apply(toJsonData(decoded)),
            schemaId,
            sizeBytes,
          };
        } catch (e) {
          error = `schema ${schemaId}: ${describeError(e)}`;
          // A missing or unreadable schema fails each message alike.
          if (!this.registry.cache.getSchema(schemaId)) {
            failedSchemas.set(schemaId, error);
          }
        }
      }
      return { ...this.plain(bytes), schemaId, error, sizeBytes };
    }
    return { ...this.plain(bytes), sizeBytes };
  }

  private plain(bytes: Buffer): { format: KafkaMessageFormat; data: unknown } {
    const text = printableText(bytes);
    if (text === undefined) {
      return { format: 'hex', data: bytes.toString('hex') };
    }
    try {
      return { format: 'json', data: this.mask.apply(JSON.parse(text)) };
    } catch {
      return { format: 'text', data: text };
    }
  }
}

function header(key: Buffer | null, value: Buffer | null): KafkaMessageHeader {
  const name = key ? printableText(key) ?? key.toString('hex') : '';
  if (value === null) return { key: name, value: null, format: 'text' };
  const text = printableText(value);
  return text === undefined
    ? { key: name, value: value.toString('hex'), format: 'hex' }
    : { key: name, value: text, format: 'text' };
}
