import { createHash } from 'crypto';
import { SchemaFormat } from '@kafka-hub/backstage-plugin-kafka-hub-common';

/**
 * The schema in a normal form, so that versions that differ only in layout
 * compare equal: Avro and JSON Schema as JSON with sorted keys and no
 * whitespace; Protobuf without comments and with whitespace collapsed.
 * Text that does not parse is only whitespace-collapsed.
 */
export function normalizeSchema(format: SchemaFormat, schema: string): string {
  if (format === 'PROTOBUF') {
    return normalizeProtobuf(schema);
  }
  try {
    return canonicalJson(JSON.parse(schema));
  } catch {
    return schema.replace(/\s+/g, ' ').trim();
  }
}

/** SHA-256 (hex) of the normalized schema. */
export function schemaFingerprint(
  format: SchemaFormat,
  schema: string,
): string {
  return createHash('sha256')
    .update(normalizeSchema(format, schema))
    .digest('hex');
}

/**
 * Tokens of a .proto file: string literals (kept as they are), comments,
 * whitespace, punctuation, words, and any other single character.
 */
const PROTO_TOKENS =
  /("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(\/\*[\s\S]*?\*\/|\/\/[^\n]*|\s+)|([{}()[\];=,<>])|([^"'\s/{}()[\];=,<>]+|[\s\S])/g;

function normalizeProtobuf(schema: string): string {
  let result = '';
  let separated = false;
  let previousPunctuation = true;
  for (const [, literal, gap, punctuation, other] of schema.matchAll(
    PROTO_TOKENS,
  )) {
    if (gap !== undefined) {
      // A comment separates tokens like whitespace does.
      separated = true;
      continue;
    }
    const token = literal ?? punctuation ?? other;
    const isPunctuation = punctuation !== undefined;
    if (separated && !previousPunctuation && !isPunctuation) {
      result += ' ';
    }
    result += token;
    separated = false;
    previousPunctuation = isPunctuation;
  }
  return result;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map(
        key =>
          `${JSON.stringify(key)}:${canonicalJson(
            (value as Record<string, unknown>)[key],
          )}`,
      );
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
