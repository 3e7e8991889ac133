import { SchemaFormat } from '@kafka-hub/backstage-plugin-kafka-hub-common';

/**
 * A schema's text for reading: Avro and JSON Schema are JSON, so they are
 * parsed and re-printed with two-space indentation (the raw text when it does
 * not parse); Protobuf is shown as the registry returned it.
 */
export function prettySchema(schema: string, format: SchemaFormat): string {
  if (format === 'PROTOBUF') {
    return schema;
  }
  try {
    return JSON.stringify(JSON.parse(schema), null, 2);
  } catch {
    return schema;
  }
}

/** The syntax highlighter's language of a format. */
export function schemaLanguage(format: SchemaFormat): string {
  return format === 'PROTOBUF' ? 'protobuf' : 'json';
}
