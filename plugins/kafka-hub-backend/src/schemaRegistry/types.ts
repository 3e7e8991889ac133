import {
  SchemaFormat,
  SchemaReference,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';

/** A schema as the registry returns it by global id. */
export interface RegistrySchema {
  schema: string;
  /** `schemaType`, AVRO when the registry leaves it out. */
  format: SchemaFormat;
  references: SchemaReference[];
}

/** One version of a subject (`GET /subjects/{subject}/versions/{version}`). */
export interface RegistrySchemaVersion extends RegistrySchema {
  subject: string;
  version: number;
  /** Global schema id; the same schema under several subjects shares it. */
  id: number;
}

/** A proposed schema for a compatibility check. */
export interface CompatibilityCheck {
  schema: string;
  format: SchemaFormat;
  references: SchemaReference[];
}
