import {
  SchemaFormat,
  SCHEMA_FORMATS,
  SchemaReference,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { SchemaRegistryError } from './SchemaRegistryError';
import { RegistrySchema, RegistrySchemaVersion } from './types';

/**
 * Validators of the registry's JSON answers. A registry behind a login page,
 * a proxy error page or a different API answers JSON of another shape; each
 * validator names the path and what was wrong instead of letting garbage
 * into the database.
 */

/** Compatibility levels of the Confluent API. */
const COMPATIBILITY_LEVELS = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;

const MAX_SHOWN = 200;

function malformed(path: string, what: string, value: unknown): never {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  throw new SchemaRegistryError(
    `Malformed answer from ${path}: ${what}, got ${shown.slice(0, MAX_SHOWN)}`,
    undefined,
    path,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isVersionNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function isSchemaId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function parseSubjects(body: unknown, path: string): string[] {
  if (!Array.isArray(body)) {
    return malformed(path, 'expected an array of subject names', body);
  }
  const bad = body.find(s => typeof s !== 'string' || s.length === 0);
  if (bad !== undefined) {
    return malformed(path, 'expected only non-empty subject names', bad);
  }
  return body as string[];
}

export function parseVersionNumbers(body: unknown, path: string): number[] {
  if (!Array.isArray(body)) {
    return malformed(path, 'expected an array of version numbers', body);
  }
  const bad = body.find(v => !isVersionNumber(v));
  if (bad !== undefined) {
    return malformed(path, 'expected only positive whole version numbers', bad);
  }
  return body as number[];
}

/** `schemaType`: absent (or null) means AVRO, as the Confluent API defines. */
function parseFormat(value: unknown, path: string): SchemaFormat {
  if (value === undefined || value === null) {
    return 'AVRO';
  }
  if (
    typeof value === 'string' &&
    SCHEMA_FORMATS.includes(value.toUpperCase() as SchemaFormat)
  ) {
    return value.toUpperCase() as SchemaFormat;
  }
  return malformed(
    path,
    `schemaType must be one of ${SCHEMA_FORMATS.join(', ')}`,
    value,
  );
}

function parseReferences(value: unknown, path: string): SchemaReference[] {
  if (value === undefined || value === null) {
    return [];
  }
  if (!Array.isArray(value)) {
    return malformed(path, 'references must be an array', value);
  }
  return value.map(ref => {
    if (
      !isRecord(ref) ||
      typeof ref.name !== 'string' ||
      typeof ref.subject !== 'string' ||
      !Number.isSafeInteger(ref.version)
    ) {
      return malformed(
        path,
        'a reference needs a name, a subject and a whole version',
        ref,
      );
    }
    return {
      name: ref.name,
      subject: ref.subject,
      version: ref.version as number,
    };
  });
}

export function parseSchemaById(body: unknown, path: string): RegistrySchema {
  if (!isRecord(body) || typeof body.schema !== 'string') {
    return malformed(path, 'expected an object with a schema string', body);
  }
  return {
    schema: body.schema,
    format: parseFormat(body.schemaType, path),
    references: parseReferences(body.references, path),
  };
}

export function parseSubjectVersion(
  body: unknown,
  path: string,
): Omit<RegistrySchemaVersion, 'subject'> {
  if (!isRecord(body)) {
    return malformed(path, 'expected a schema version object', body);
  }
  if (!isVersionNumber(body.version)) {
    return malformed(path, 'version must be a positive whole number', body);
  }
  if (!isSchemaId(body.id)) {
    return malformed(path, 'id must be a whole number', body);
  }
  return { version: body.version, id: body.id, ...parseSchemaById(body, path) };
}

export function parseCompatibilityLevel(body: unknown, path: string): string {
  // Confluent answers `compatibilityLevel`; some versions also `compatibility`.
  const level = isRecord(body)
    ? body.compatibilityLevel ?? body.compatibility
    : undefined;
  if (
    typeof level !== 'string' ||
    !(COMPATIBILITY_LEVELS as readonly string[]).includes(level)
  ) {
    return malformed(
      path,
      `expected a compatibilityLevel of ${COMPATIBILITY_LEVELS.join(', ')}`,
      body,
    );
  }
  return level;
}

export function parseCompatibilityResult(
  body: unknown,
  path: string,
): { compatible: boolean; messages: string[] } {
  if (!isRecord(body) || typeof body.is_compatible !== 'boolean') {
    return malformed(path, 'expected an is_compatible boolean', body);
  }
  const messages = body.messages ?? [];
  if (!Array.isArray(messages)) {
    return malformed(path, 'messages must be an array', body.messages);
  }
  return {
    compatible: body.is_compatible,
    // Confluent sends strings; stringify anything else rather than drop it.
    messages: messages.map(m =>
      typeof m === 'string' ? m : JSON.stringify(m),
    ),
  };
}
