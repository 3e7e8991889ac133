import { configure } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { mockApis } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  KafkaApplication,
  KafkaApplicationList,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { kafkaHubApiRef, KafkaHubClient } from '../../../api';

// Lazy pages and a whole test app take longer than testing-library's 1 s
// default when the full test suite loads the machine.
configure({ asyncUtilTimeout: 10000 });

/** Where the real client sends its requests in tests; msw answers there. */
export const BASE_URL = 'http://localhost:7007/api/kafka-hub';
export const APPLICATIONS_URL = `${BASE_URL}/applications`;
export const applicationUrl = (entityRef: string) =>
  `${APPLICATIONS_URL}/${encodeURIComponent(entityRef)}`;
export const retryUrl = (entityRef: string) =>
  `${applicationUrl(entityRef)}/retry`;
/** `GET /applications/:entityRef/topics`, any entity. */
const TOPICS_URL = `${APPLICATIONS_URL}/:entityRef/topics`;

/**
 * Answers the entity Kafka tab's topics card with no environments, for
 * tests of the rest of the tab.
 */
export const noTopics = () =>
  http.get(TOPICS_URL, ({ params }) =>
    HttpResponse.json({
      entityRef: decodeURIComponent(String(params.entityRef)),
      prefix: '',
      environments: [],
    }),
  );

export const RETRY_ALL_URL = `${BASE_URL}/admin/retry-failed`;

/** The real client over a fetchApi that resolves plugin:// like the app does. */
export const kafkaHubTestApi = () =>
  [
    kafkaHubApiRef,
    new KafkaHubClient({
      fetchApi: mockApis.fetch({
        resolvePluginProtocol: {
          discoveryApi: mockApis.discovery({
            baseUrl: 'http://localhost:7007',
          }),
        },
      }),
    }),
  ] as const;

type Decision = Extract<
  NonNullable<
    NonNullable<Parameters<typeof mockApis.permission>[0]>['authorize']
  >,
  string
>;
/** `AuthorizeResult` values, without depending on permission-common. */
const ALLOW = 'ALLOW' as unknown as Decision;
const DENY = 'DENY' as unknown as Decision;

/** A permission API that denies the named permissions and allows the rest. */
export const permissionsDenying = (
  ...names: string[]
): ReturnType<typeof mockApis.permission> =>
  mockApis.permission({
    authorize: request =>
      names.includes(request.permission.name) ? DENY : ALLOW,
  });

/** A Backstage error body, as the backend's error handler sends it. */
export const errorBody = (
  statusCode: number,
  name: string,
  message: string,
) => ({
  error: { name, message },
  response: { statusCode },
});

const FINISHED = '2026-11-21T12:00:00.000Z';

/** An application; override what the test is about. */
export const makeApplication = (
  overrides: Partial<KafkaApplication> = {},
): KafkaApplication => ({
  entityRef: 'component:default/orders-service',
  application: 'orders',
  ownerRef: 'group:default/team-orders',
  prefix: 'orders.',
  desiredEnvironments: ['dev', 'stage', 'prod'],
  topics: [{ name: 'created' }, { name: 'shipped', partitions: 6 }],
  status: 'partial',
  error: 'prod: Connection error: connect ECONNREFUSED 127.0.0.1:19092',
  environments: {
    dev: { status: 'success', finishedAt: FINISHED },
    stage: {
      status: 'skipped',
      message: 'Environment stage is not configured',
      finishedAt: FINISHED,
    },
    prod: {
      status: 'failed',
      error: 'Connection error: connect ECONNREFUSED 127.0.0.1:19092',
      finishedAt: FINISHED,
    },
  },
  attemptCount: 2,
  lastAttemptAt: FINISHED,
  ...overrides,
});

export const completedApplication = (
  overrides: Partial<KafkaApplication> = {},
): KafkaApplication =>
  makeApplication({
    status: 'completed',
    error: undefined,
    environments: {
      dev: { status: 'success', finishedAt: FINISHED },
      stage: { status: 'success', finishedAt: FINISHED },
      prod: { status: 'success', finishedAt: FINISHED },
    },
    ...overrides,
  });

/** One page holding every item. */
export const list = (
  items: KafkaApplication[],
  errorDetail: 'full' | 'brief' = 'brief',
): KafkaApplicationList => ({
  items,
  total: items.length,
  limit: 50,
  offset: 0,
  errorDetail,
});

/** Mounts the catalog entity page, so EntityRefLink can link to it. */
export const catalogRoutes = {
  '/catalog/:namespace/:kind/:name': entityRouteRef,
};

export { formatExact as formatExactForTest } from '../time';
