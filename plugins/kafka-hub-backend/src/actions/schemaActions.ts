import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  SCHEMA_FORMATS,
  SCHEMA_STATUSES,
  SchemaSubject,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { SchemasApi } from '../api/SchemasApi';
import { environmentInput, listFilterInputs, Zod } from './inputs';

/** The newest versions `get-schema` returns, with the latest's schema text. */
const VERSIONS_SHOWN = 20;

/**
 * `list-schemas`, `get-schema` and `check-schema-compatibility`: each checks
 * the caller's own permissions through {@link SchemasApi}; lists hold only
 * the subjects the caller may read, and a subject the caller may not read
 * fails exactly like a missing one.
 */
export function registerSchemaActions(
  actionsRegistry: ActionsRegistryService,
  schemas: SchemasApi,
): void {
  const subjectFields = (z: Zod) => ({
    environment: z.string(),
    subject: z.string(),
    entityRef: z.string().optional(),
    topic: z.string().optional(),
    role: z.enum(['key', 'value']).optional(),
    format: z.enum(SCHEMA_FORMATS as [string, ...string[]]),
    latestVersion: z.number().optional(),
    versionCount: z.number(),
    compatibility: z
      .string()
      .optional()
      .describe("The subject's compatibility level, or the registry's"),
    status: z.enum(SCHEMA_STATUSES as [string, ...string[]]),
    lastSeenAt: z.string(),
  });
  const subjectOutput = (s: SchemaSubject) => ({
    environment: s.environment,
    subject: s.subject,
    entityRef: s.entityRef,
    topic: s.topic,
    role: s.role,
    format: s.format,
    latestVersion: s.latestVersion,
    versionCount: s.versionCount,
    compatibility: s.compatibility,
    status: s.status,
    lastSeenAt: s.lastSeenAt,
  });

  actionsRegistry.register({
    name: 'list-schemas',
    title: 'List schemas',
    description:
      'Lists the Schema Registry subjects Kafka Hub synced that the caller may read: format, latest version, version count, compatibility level and status (registered, deleted, stale). Narrow by application (entityRef), owner, environment, format or a search in the subject name.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          ...listFilterInputs(z, 'subjects'),
          format: z.enum(SCHEMA_FORMATS as [string, ...string[]]).optional(),
          search: z
            .string()
            .optional()
            .describe('Part of the subject name, any case'),
        }),
      output: z =>
        z.object({
          items: z.array(z.object(subjectFields(z))),
          total: z
            .number()
            .describe('Subjects matching the filters that the caller may read'),
        }),
    },
    action: async ({ input, credentials }) => {
      const { items, total } = await schemas.list(credentials, {
        entityRef: input.entityRef ? [input.entityRef] : undefined,
        owner: input.owner,
        environment: input.environment,
        format: input.format ? [input.format] : undefined,
        search: input.search,
        limit: input.limit,
        offset: input.offset,
      });
      return { output: { items: items.map(subjectOutput), total } };
    },
  });

  actionsRegistry.register({
    name: 'get-schema',
    title: 'Get schema',
    description: `Returns one schema subject: its details, the latest version's schema text, and its newest ${VERSIONS_SHOWN} versions with each one's compatibility with the versions before it (compatible, incompatible, first, unchecked under NONE, pending, or unknown for versions older than Kafka Hub) and the level in force when Kafka Hub first saw it. Fails with not found when the subject does not exist or the caller may not read it.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          environment: environmentInput(z),
          subject: z.string().min(1).describe('The subject name'),
        }),
      output: z =>
        z.object({
          ...subjectFields(z),
          latestSchema: z.string().optional(),
          versions: z.array(
            z.object({
              version: z.number(),
              globalId: z.number(),
              deleted: z.boolean(),
              firstSeenAt: z.string(),
              compatibility: z.object({
                status: z.enum([
                  'compatible',
                  'incompatible',
                  'first',
                  'unchecked',
                  'pending',
                  'unknown',
                ]),
                level: z.string().optional(),
                against: z.array(z.number()).optional(),
              }),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const detail = await schemas.get(credentials, input);
      // Newest first.
      const { items: newestFirst } = await schemas.versions(
        credentials,
        input,
        { limit: VERSIONS_SHOWN },
      );
      return {
        output: {
          ...subjectOutput(detail),
          latestSchema: newestFirst.find(v => !v.deleted)?.schema,
          versions: newestFirst.map(v => ({
            version: v.version,
            globalId: v.globalId,
            deleted: v.deleted,
            firstSeenAt: v.firstSeenAt,
            compatibility: {
              status: v.compatibility.status,
              level: v.compatibility.level,
              against: v.compatibility.against,
            },
          })),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'check-schema-compatibility',
    title: 'Check schema compatibility',
    description:
      "Asks the environment's Schema Registry whether a new schema could be registered under a subject, under the subject's compatibility level, without registering it. Returns whether it is compatible, the registry's messages, the level and the versions it was checked against.",
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          environment: environmentInput(z),
          subject: z.string().min(1).describe('The subject name'),
          schema: z.string().min(1).describe('The proposed schema text'),
          schemaType: z
            .enum(SCHEMA_FORMATS as [string, ...string[]])
            .optional()
            .describe("The proposed schema's format; the subject's by default"),
          references: z
            .array(
              z.object({
                name: z.string(),
                subject: z.string(),
                version: z.number().int(),
              }),
            )
            .optional(),
        }),
      output: z =>
        z.object({
          compatible: z.boolean(),
          messages: z.array(z.string()),
          level: z.string(),
          against: z.array(z.number()),
        }),
    },
    action: async ({ input, credentials }) => {
      const { environment, subject, ...proposal } = input;
      return {
        output: await schemas.checkCompatibility(
          credentials,
          { environment, subject },
          proposal,
        ),
      };
    },
  });
}
