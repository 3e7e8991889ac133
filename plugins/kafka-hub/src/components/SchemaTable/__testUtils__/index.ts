import {
  SchemaSubject,
  SchemaSubjectDetail,
  SchemaSubjectList,
  SchemaSummary,
  SchemaVersion,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { BASE_URL } from '../../ProvisioningCommon/__testUtils__';

export const SCHEMAS_URL = `${BASE_URL}/schemas`;
export const SCHEMA_SUMMARY_URL = `${SCHEMAS_URL}/summary`;
/** msw path pattern of a subject's detail, versions and compatibility. */
export const subjectUrl = (environment: string, subject: string) =>
  `${SCHEMAS_URL}/${encodeURIComponent(environment)}/${encodeURIComponent(
    subject,
  )}`;

const SEEN = '2026-11-20T12:00:00.000Z';

export const makeSubject = (
  overrides: Partial<SchemaSubject> = {},
): SchemaSubject => ({
  environment: 'dev',
  subject: 'orders.created-value',
  entityRef: 'component:default/orders-service',
  topic: 'orders.created',
  role: 'value',
  format: 'AVRO',
  latestVersion: 2,
  latestGlobalId: 12,
  versionCount: 3,
  compatibility: 'BACKWARD',
  compatibilitySource: 'global',
  status: 'registered',
  firstSeenAt: SEEN,
  lastSeenAt: SEEN,
  ...overrides,
});

export const makeDetail = (
  overrides: Partial<SchemaSubjectDetail> = {},
): SchemaSubjectDetail => ({
  ...makeSubject(),
  references: [],
  ...overrides,
});

export const subjectList = (
  items: SchemaSubject[],
  page: { total?: number; limit?: number; offset?: number } = {},
): SchemaSubjectList => ({
  items,
  total: page.total ?? items.length,
  limit: page.limit ?? 25,
  offset: page.offset ?? 0,
});

export const makeSummary = (
  overrides: Partial<SchemaSummary> = {},
): SchemaSummary => ({
  total: 6,
  byFormat: { AVRO: 3, PROTOBUF: 2, JSON: 1 },
  byStatus: { registered: 4, deleted: 1, stale: 1 },
  ...overrides,
});

/** Avro text as a registry returns it: compact, on one line. */
export const avroV1 =
  '{"type":"record","name":"OrderCreated","namespace":"com.example","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"}]}';
const avroV2 =
  '{"type":"record","name":"OrderCreated","namespace":"com.example","fields":[{"name":"id","type":"string"},{"name":"amount","type":"long"},{"name":"currency","type":"string","default":"EUR"}]}';
const avroV3 =
  '{"type":"record","name":"OrderCreated","namespace":"com.example","fields":[{"name":"id","type":"string"}]}';

export const makeVersion = (
  overrides: Partial<SchemaVersion> = {},
): SchemaVersion => ({
  version: 1,
  globalId: 11,
  format: 'AVRO',
  schema: avroV1,
  references: [],
  fingerprint: 'fp-1',
  deleted: false,
  firstSeenAt: SEEN,
  syncedAt: SEEN,
  compatibility: { status: 'first' },
  ...overrides,
});

/**
 * v3 (deleted, seen arriving under NONE), v2 (already there when Kafka Hub
 * first synced the subject), v1: newest first, as the backend answers.
 */
export const avroVersions = (): SchemaVersion[] => [
  makeVersion({
    version: 3,
    globalId: 13,
    schema: avroV3,
    fingerprint: 'fp-3',
    deleted: true,
    firstSeenAt: '2026-11-21T08:00:00.000Z',
    compatibility: { status: 'unchecked', level: 'NONE' },
  }),
  makeVersion({
    version: 2,
    globalId: 12,
    schema: avroV2,
    fingerprint: 'fp-2',
    firstSeenAt: '2026-11-20T18:00:00.000Z',
    compatibility: { status: 'unknown' },
  }),
  makeVersion(),
];
